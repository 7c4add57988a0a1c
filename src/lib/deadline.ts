import type { Clock } from './clock.js';

/**
 * Waits for `work` until the instant `atMs` (epoch ms): true when it settled by then (fulfilled or
 * rejected), false when time ran out first. Never rejects; the work itself is not cancelled.
 */
export const settlesBy = async (work: Promise<unknown>, clock: Clock, atMs: number): Promise<boolean> => {
  let cancel: (() => void) | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    cancel = clock.setTimeout(() => resolve(false), Math.max(0, atMs - clock.now()));
  });
  try {
    return await Promise.race([work.then(() => true, () => true), timedOut]);
  } finally {
    cancel?.();
  }
};
