import { Redis } from 'ioredis';
import type { Clock } from '../../lib/clock.js';
import type { Realtime, RoomEventRecord } from '../types.js';
import { settlesBy } from '../../lib/deadline.js';
import { createKeys } from './keys.js';
import { createRedisBus } from './redis-bus.js';
import { createRedisPresence } from './redis-presence.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { failFast } from './unavailable.js';
import { randomId } from '../../lib/random-id.js';

export interface RedisRealtimeOptions {
  url: string;
  /** Prefix of every key and channel; instances that share one must agree on it. */
  keyPrefix: string;
  clock: Clock;
  presenceGraceMs: number;
  /** How long an instance (and every connection it holds) counts as alive without its heartbeat. */
  presenceTtlMs: number;
  onError: (error: unknown) => void;
  /** Called once per event after this instance's listeners of the room had it (metrics). */
  onFanout?: (event: RoomEventRecord) => void;
  /** Fail a command that gets no answer in this time (Redis hung rather than down). */
  commandTimeoutMs?: number;
}

export type RedisRealtime = Realtime & { topicCount(): number };

const QUIT_WAIT_MS = 1_000;

/**
 * The live half shared by many instances: the room bus (pub/sub), presence, typing and rate limits.
 * Redis holds nothing durable: restarted empty, it loses only who is online and typing right now (each
 * instance's heartbeat puts its connections back) and the current rate-limit windows. Commands fail fast
 * while Redis is unreachable (no offline queue), so writes answer ENGINE_UNAVAILABLE instead of hanging;
 * the subscriber connection reconnects and resubscribes by itself.
 */
export const createRedisRealtime = async (options: RedisRealtimeOptions): Promise<RedisRealtime> => {
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
    presence: failFast(presence.presence),
    typing: failFast(presence.typing),
    bus: failFast(bus),
    rateLimiter: (rule) => failFast(createRedisRateLimiter(commands, keys.rateLimits)(rule)),
    async ping() {
      await commands.ping();
    },
    /**
     * Releases Redis: upkeep stops (a run under way finishes first), what this instance held in presence
     * ends now rather than when its liveness key expires, and both connections QUIT after the replies
     * they still owe. Bounded when Redis does not answer: the connections are then dropped.
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
