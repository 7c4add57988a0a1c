import { Redis } from 'ioredis';
import type { Clock } from '../../lib/clock.js';
import type { Engine, RoomEventRecord } from '../types.js';
import { settlesBy } from '../../lib/deadline.js';
import { createKeys } from './keys.js';
import { createRedisBus } from './redis-bus.js';
import { createRedisMessageLog } from './redis-messages.js';
import { createRedisPresence } from './redis-presence.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createRedisReceiptStore } from './redis-receipts.js';
import { createRedisRoomStore } from './redis-rooms.js';
import { createRedisTimerStore } from './redis-timers.js';
import { createRedisUserStore } from './redis-users.js';
import { failFast } from './unavailable.js';
import { randomId } from '../../lib/random-id.js';

export interface RedisEngineOptions {
  url: string;
  /** Prefix of every key and channel; instances that share one must agree on it. */
  keyPrefix: string;
  clock: Clock;
  presenceGraceMs: number;
  /** How long an instance (and every connection it holds) counts as alive without its heartbeat. */
  presenceTtlMs: number;
  /** How often each instance polls the shared timer schedule (takeover latency of a dead instance's timers). */
  timerPollMs: number;
  onError: (error: unknown) => void;
  /** Called once per event after this instance's listeners of the room had it (metrics). */
  onFanout?: (event: RoomEventRecord) => void;
  /** Fail a command that gets no answer in this time (Redis hung rather than down). */
  commandTimeoutMs?: number;
}

export type RedisEngine = Engine & { topicCount(): number };

const QUIT_WAIT_MS = 1_000;

/**
 * The shared engine: every instance with the same REDIS_URL and key prefix is one server. Commands fail
 * fast while Redis is unreachable (no offline queue), so writes answer ENGINE_UNAVAILABLE instead of
 * hanging; the subscriber connection reconnects and resubscribes by itself.
 */
export const createRedisEngine = async (options: RedisEngineOptions): Promise<RedisEngine> => {
  const { clock, onError } = options;
  const retryStrategy = (attempt: number) => Math.min(50 * 2 ** attempt, 1_000);
  const commands = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs ?? 2_000,
    connectTimeout: 2_000,
    retryStrategy,
    lazyConnect: true,
  });
  // The subscriber keeps its queue: SUBSCRIBEs asked for during an outage go out on reconnect.
  const subscriber = new Redis(options.url, { connectTimeout: 2_000, retryStrategy, lazyConnect: true, autoResubscribe: true });
  for (const client of [commands, subscriber]) client.on('error', (error: unknown) => onError(error));
  await Promise.all([commands.connect(), subscriber.connect()]);

  const keys = createKeys(options.keyPrefix);
  const bus = createRedisBus({ publisher: commands, subscriber, keys, onError, onFanout: options.onFanout });
  const presence = createRedisPresence(commands, keys, {
    now: () => clock.now(),
    instanceId: randomId('instance'),
    instanceTtlMs: options.presenceTtlMs,
    graceMs: options.presenceGraceMs,
  });
  await presence.heartbeat();

  // Background upkeep, each loop re-armed only after its previous run finished.
  let closed = false;
  const cancels = new Set<() => void>();
  const runs = new Set<Promise<void>>();
  const every = (ms: number, task: () => Promise<void>) => {
    const loop = () => {
      const cancel = clock.setTimeout(() => {
        cancels.delete(cancel);
        const run = task()
          .catch(onError)
          .finally(() => {
            runs.delete(run);
            if (!closed) loop();
          });
        runs.add(run);
      }, ms);
      cancels.add(cancel);
    };
    loop();
  };
  every(Math.max(100, Math.floor(options.presenceTtlMs / 3)), presence.heartbeat);
  every(Math.max(100, Math.floor(options.presenceGraceMs / 2) || 500), presence.sweep);

  return {
    kind: 'redis',
    timerPollMs: options.timerPollMs,
    users: failFast(createRedisUserStore(commands, keys)),
    rooms: failFast(createRedisRoomStore(commands, keys)),
    messages: failFast(createRedisMessageLog(commands, keys)),
    timers: failFast(createRedisTimerStore(commands, keys)),
    presence: failFast(presence.presence),
    typing: failFast(presence.typing),
    receipts: failFast(createRedisReceiptStore(commands, keys)),
    bus: failFast(bus),
    rateLimiter: (rule) => failFast(createRedisRateLimiter(commands, keys.rateLimits)(rule)),
    async ping() {
      await commands.ping();
    },
    /**
     * Releases Redis: upkeep stops (a run under way finishes first), what this instance held in presence
     * ends now rather than when its liveness key expires, and both connections QUIT after the replies
     * they still owe. Timers need nothing: they are state in Redis, and every other instance's scheduler
     * carries them on. Bounded when Redis does not answer: the connections are then dropped.
     */
    async close() {
      closed = true;
      for (const cancel of cancels) cancel();
      await Promise.all(runs);
      await presence.release().catch(onError);
      if (!(await settlesBy(bus.close(), clock, clock.now() + QUIT_WAIT_MS))) onError(new Error('Redis did not answer QUIT in time'));
      for (const client of [commands, subscriber]) if (client.status !== 'end') client.disconnect();
    },
    topicCount: () => bus.topicCount(),
  };
};
