import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateLimiter } from './types.js';

/** rate-limiter-flexible's limiters (memory or Redis) behind the engine's RateLimiter. */
export const adaptRateLimiter = (limiter: RateLimiterAbstract): RateLimiter => ({
  async consume(key) {
    try {
      await limiter.consume(key);
      return { allowed: true };
    } catch (refusal) {
      // A spent budget rejects with a RateLimiterRes; a store failure with an Error.
      if (refusal instanceof RateLimiterRes) return { allowed: false, retryAfterMs: Math.max(1, refusal.msBeforeNext) };
      throw refusal;
    }
  },
});
