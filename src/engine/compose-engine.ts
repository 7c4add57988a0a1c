import type { Engine, Realtime, Store } from './types.js';

/** One engine from its two halves; services read records from the store and live state from realtime. */
export const composeEngine = (store: Store, realtime: Realtime): Engine => ({
  kind: `${store.kind}+${realtime.kind}`,
  store,
  realtime,
  epoch: store.epoch,
  ...(store.timerPollMs === undefined ? {} : { timerPollMs: store.timerPollMs }),
  users: store.users,
  rooms: store.rooms,
  messages: store.messages,
  timers: store.timers,
  receipts: store.receipts,
  webhooks: store.webhooks,
  apiKeys: store.apiKeys,
  bus: realtime.bus,
  presence: realtime.presence,
  typing: realtime.typing,
  rateLimiter: (rule) => realtime.rateLimiter(rule),
  async ping() {
    await Promise.all([store.ping(), realtime.ping()]);
  },
  // Live work first: nothing publishes once the realtime half is gone, then records are released.
  async close() {
    await realtime.close();
    await store.close();
  },
});
