import type { Realtime, RoomEventRecord } from '../types.js';
import { createMemoryBus } from './memory-bus.js';
import { createMemoryPresenceStore } from './memory-presence.js';
import { createMemoryRateLimiter } from './memory-rate-limiter.js';
import { createMemoryTypingStore } from './memory-typing.js';

export interface MemoryRealtimeOptions {
  onListenerError?: (error: unknown) => void;
  /** Called once per published event after the room's listeners had it (metrics). */
  onFanout?: (event: RoomEventRecord) => void;
}

/** The live half in one process: the bus calls listeners synchronously; presence, typing and limits are maps. */
export const createMemoryRealtime = (options: MemoryRealtimeOptions = {}): Realtime & { topicCount(): number } => {
  const bus = createMemoryBus(options.onListenerError ?? (() => undefined), options.onFanout);
  return {
    kind: 'memory',
    bus,
    presence: createMemoryPresenceStore(),
    typing: createMemoryTypingStore(),
    rateLimiter: createMemoryRateLimiter,
    async ping() {},
    async close() {},
    topicCount: () => bus.topicCount(),
  };
};
