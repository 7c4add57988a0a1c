import type { Store } from '../types.js';
import { randomId } from '../../lib/random-id.js';
import { createMemoryApiKeyStore } from './memory-api-keys.js';
import { createMemoryMessageStore } from './memory-messages.js';
import { createMemoryReceiptStore } from './memory-receipts.js';
import { createMemoryRoomStore } from './memory-rooms.js';
import { createMemoryTimerStore } from './memory-timers.js';
import { createMemoryUserStore } from './memory-users.js';
import { createMemoryWebhookStore } from './memory-webhooks.js';

/** The embedded store: every record in this process, nothing to set up, lost on exit. */
export const createMemoryStore = (): Store => {
  const rooms = createMemoryRoomStore();
  const roomIds = new Set<string>();
  const webhooks = createMemoryWebhookStore();
  // The message store asks about rooms synchronously, so that an append stays one atomic step.
  const trackedRooms: typeof rooms = {
    ...rooms,
    async create(room) {
      const created = await rooms.create(room);
      roomIds.add(created.id);
      return created;
    },
  };
  return {
    kind: 'memory',
    // A new history per process: cursors of an earlier process point nowhere here.
    epoch: randomId('epoch'),
    users: createMemoryUserStore(),
    rooms: trackedRooms,
    // Deliveries are queued inside the append's atomic step, as PostgreSQL does in its statement.
    messages: createMemoryMessageStore((roomId) => roomIds.has(roomId), webhooks.queue),
    timers: createMemoryTimerStore(),
    receipts: createMemoryReceiptStore(),
    webhooks,
    apiKeys: createMemoryApiKeyStore(),
    async ping() {},
    async close() {},
  };
};
