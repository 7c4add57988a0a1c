import type { Clock } from './clock.js';

export interface RetryOptions {
  clock: Clock;
  /** Only failures it accepts are retried; any other is thrown at once. */
  isRetryable: (error: unknown) => boolean;
  /** Retries stop once this long has passed since the first failure; the last failure is then thrown. */
  maxMs: number;
  /** The cap before jitter of the first wait; it doubles after each failure. */
  baseMs?: number;
  /** No single wait is longer than this. */
  capMs?: number;
  /** True once the caller no longer wants the result: the last failure is thrown without another try. */
  stopped?: () => boolean;
  /** A number in [0, 1); injectable for tests. */
  random?: () => number;
}

const DEFAULT_BASE_MS = 100;
const DEFAULT_CAP_MS = 2_000;

/**
 * Runs `attempt` until it succeeds, waiting between failures with capped exponential backoff and
 * "equal jitter" (half the capped delay fixed, half drawn): the instances and subscribers that one outage
 * hit all at once do not come back in one herd, and none retries in a tight loop. The last try falls at
 * `maxMs` after the first failure, so an outage just under the ceiling still recovers.
 */
export const retryWithBackoff = async <T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> => {
  const { clock, isRetryable, maxMs, baseMs = DEFAULT_BASE_MS, capMs = DEFAULT_CAP_MS, stopped, random = Math.random } = options;
  let firstFailureAt: number | undefined;
  for (let failures = 0; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      firstFailureAt ??= clock.now();
      const remainingMs = firstFailureAt + maxMs - clock.now();
      if (remainingMs <= 0 || stopped?.()) throw error;
      // 2 ** 1100 is Infinity: clamp the exponent before multiplying.
      const ceilingMs = Math.min(capMs, baseMs * 2 ** Math.min(failures, 30));
      const delayMs = Math.min(remainingMs, Math.ceil(ceilingMs / 2 + random() * (ceilingMs / 2)));
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delayMs));
      if (stopped?.()) throw error;
    }
  }
};
