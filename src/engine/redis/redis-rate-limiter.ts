import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiter, RateLimitRule } from '../types.js';

/** Budgets counted in Redis, so a user's limit holds across every instance. */
export const createRedisRateLimiter = (redis: Redis, keyPrefix: string) => (rule: RateLimitRule): RateLimiter => {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${keyPrefix}:${rule.name}`,
    points: rule.points,
    duration: rule.durationSec,
  });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (refusal) {
        // A spent budget rejects with a RateLimiterRes; a Redis failure with an Error.
        if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, refusal.msBeforeNext) };
        throw refusal;
      }
    },
  };
};
