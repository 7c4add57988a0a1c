import { after, before } from 'node:test';
import { createRedisEngine } from '../../src/engine/redis/redis-engine.js';
import { systemClock } from '../../src/lib/clock.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { engineContract } from './engine-contract.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

let prefixes = 0;
engineContract('redis', async () => {
  const engine = await createRedisEngine({
    url: redis.url,
    // Each test gets its own key space on the shared server.
    keyPrefix: `contract${process.pid}-${++prefixes}`,
    clock: systemClock,
    presenceGraceMs: 5_000,
    presenceTtlMs: 15_000,
    timerPollMs: 250,
    onError: () => undefined,
  });
  return { engine, close: () => engine.close() };
});
