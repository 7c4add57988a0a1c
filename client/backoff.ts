// Reconnect and resend delays: exponential, capped, with "full jitter" (a uniform draw below the capped
// exponential). Jitter spreads out the clients that a server restart dropped all at once, so they do not
// come back in one thundering herd.

export interface BackoffOptions {
  /** The cap before jitter of the first retry (attempt 0). */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
  /** A number in [0, 1); injectable for tests. */
  random?: () => number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({ baseMs: 250, maxMs: 10_000 });

/** The delay before retry number `attempt` (0 for the first): uniform in [0, min(maxMs, baseMs * 2^attempt)]. */
export const backoffDelayMs = (attempt: number, { baseMs, maxMs, random = Math.random }: BackoffOptions): number => {
  // 2 ** 1100 is Infinity, and Infinity * 0 is NaN: clamp the exponent before multiplying.
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, attempt), 30));
  return Math.floor(random() * (ceiling + 1));
};
