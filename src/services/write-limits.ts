import { ErrorCode, RoomcastError } from '../errors/index.js';
import type { Engine, RateLimiter } from '../engine/types.js';

import type { WriteBudgets } from '../config/config.js';

/** Classes of writes, each with its own budget per user. */
export type WriteClass = keyof WriteBudgets;

export interface WriteLimits {
  /** Spends one point of the user's budget for this class, or throws `RATE_LIMITED` with `retryAfterMs`. */
  spend(writeClass: WriteClass, userId: string): Promise<void>;
}

export const createWriteLimits = (engine: Pick<Engine, 'rateLimiter'>, budgets: WriteBudgets): WriteLimits => {
  const limiters = new Map<WriteClass, RateLimiter>(
    Object.entries(budgets).map(([name, budget]) => [name as WriteClass, engine.rateLimiter({ name: `writes:${name}`, ...budget })]), // keys come from WriteBudgets
  );
  return {
    async spend(writeClass, userId) {
      const limiter = limiters.get(writeClass);
      if (!limiter) throw new Error(`no budget for ${writeClass}`);
      const verdict = await limiter.consume(userId);
      if (!verdict.allowed) {
        throw new RoomcastError(ErrorCode.RateLimited, `Too many ${writeClass} writes; retry in ${verdict.retryAfterMs} ms`, {
          retryAfterMs: verdict.retryAfterMs,
          limit: writeClass,
        });
      }
    },
  };
};
