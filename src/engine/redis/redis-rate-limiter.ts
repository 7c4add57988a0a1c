import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { adaptRateLimiter } from '../rate-limiter-adapter.js';
import type { RateLimiter, RateLimitRule } from '../types.js';

/** Budgets counted in Redis, so a user's limit holds across every instance. */
export const createRedisRateLimiter = (redis: Redis, keyPrefix: string) => (rule: RateLimitRule): RateLimiter =>
  adaptRateLimiter(new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${rule.name}`, points: rule.points, duration: rule.durationSec }));
