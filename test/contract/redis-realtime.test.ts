import { after, before } from 'node:test';
import { createRedisRealtime } from '../../src/engine/redis/redis-realtime.js';
import { systemClock } from '../../src/lib/clock.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { realtimeContract } from './realtime-contract.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

let prefixes = 0;
realtimeContract('redis', async () => {
  const realtime = await createRedisRealtime({
    url: redis.url,
    // Each test gets its own key space on the shared server.
    keyPrefix: `contract${process.pid}-${++prefixes}`,
    clock: systemClock,
    presenceGraceMs: 5_000,
    presenceTtlMs: 15_000,
    onError: () => undefined,
  });
  return { realtime, close: () => realtime.close() };
});
