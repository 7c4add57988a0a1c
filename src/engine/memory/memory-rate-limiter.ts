import { RateLimiterMemory } from 'rate-limiter-flexible';
import { adaptRateLimiter } from '../rate-limiter-adapter.js';
import type { RateLimiter, RateLimitRule } from '../types.js';

export const createMemoryRateLimiter = (rule: RateLimitRule): RateLimiter =>
  adaptRateLimiter(new RateLimiterMemory({ keyPrefix: rule.name, points: rule.points, duration: rule.durationSec }));
