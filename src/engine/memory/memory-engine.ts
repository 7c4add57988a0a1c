import type { Engine, RoomEventRecord } from '../types.js';
import { createMemoryBus } from './memory-bus.js';
import { createMemoryMessageLog } from './memory-messages.js';
import { createMemoryPresenceStore } from './memory-presence.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import { createMemoryReceiptStore } from './memory-receipts.js';
import { createMemoryRoomStore } from './memory-rooms.js';
import { createMemoryTimerStore } from './memory-timers.js';
import { createMemoryTypingStore } from './memory-typing.js';
import { createMemoryUserStore } from './memory-users.js';

export interface MemoryEngineOptions {
  onListenerError?: (error: unknown) => void;
  /** Called once per published event after the room's listeners had it (metrics). */
  onFanout?: (event: RoomEventRecord) => void;
}

/** The embedded engine: all state in this process, nothing to set up, lost on exit. */
export const createMemoryEngine = (options: MemoryEngineOptions = {}): Engine & { topicCount(): number } => {
  const bus = createMemoryBus(options.onListenerError ?? (() => undefined), options.onFanout);
  return {
    kind: 'memory',
    users: createMemoryUserStore(),
    rooms: createMemoryRoomStore(),
    messages: createMemoryMessageLog(bus),
    timers: createMemoryTimerStore(bus),
    presence: createMemoryPresenceStore(),
    typing: createMemoryTypingStore(),
    receipts: createMemoryReceiptStore(bus),
    bus,
    rateLimiter: createMemoryRateLimiter,
    async ping() {},
    async close() {},
    topicCount: () => bus.topicCount(),
  };
};
