/** No retry waits longer than this, however many attempts came before. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * The wait before attempt `attempts + 1`: `baseMs`, then twice as long after each failure (capped),
 * plus up to half again drawn at random, so that the deliveries one outage of a receiver failed together
 * do not all come back at the same instant.
 */
export const retryDelayMs = (attempts: number, baseMs: number, random: () => number = Math.random): number => {
  const ceilingMs = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(ceilingMs + random() * (ceilingMs / 2));
};
