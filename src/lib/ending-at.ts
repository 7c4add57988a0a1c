import type { Clock } from './clock.js';
import { ClosingIterator } from './pull-iterator.js';

// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days): a later instant is waited for in
// steps of this size.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Runs `fn` once the clock reads `atMs` or later; returns a function that cancels it. */
export const scheduleAt = (clock: Clock, atMs: number, fn: () => void): (() => void) => {
  let cancel: () => void = () => undefined;
  const step = (): void => {
    const delayMs = atMs - clock.now();
    // A timer may fire a little early by the clock's reading, or after a capped step: checked again.
    if (delayMs <= 0) return fn();
    cancel = clock.setTimeout(step, Math.min(delayMs, MAX_TIMEOUT_MS));
  };
  step();
  return () => cancel();
};

/**
 * `source` until the instant `atMs`, then `last` once, then done. At `atMs` the source is returned at
 * once, whether or not anyone is pulling, so that what it holds (a room subscription) is released on
 * time; an item the source yields at or after `atMs` is dropped.
 */
export const endingAt = <T, L>(source: AsyncIterator<T>, atMs: number, clock: Clock, last: L): AsyncIterableIterator<T | L> =>
  new EndingAt(source, atMs, clock, last);

class EndingAt<T, L> extends ClosingIterator<T | L> {
  /** `open`: passing the source through; `last`: `last` is due next; `done`. */
  private state: 'open' | 'last' | 'done' = 'open';
  private readonly reached: Promise<undefined>;
  private readonly cancelTimer: () => void;

  constructor(
    private readonly source: AsyncIterator<T>,
    private readonly atMs: number,
    private readonly clock: Clock,
    private readonly last: L,
  ) {
    super();
    let fire: () => void = () => undefined;
    this.reached = new Promise((resolve) => (fire = () => resolve(undefined)));
    this.cancelTimer = scheduleAt(clock, atMs, () => {
      this.expire();
      fire();
    });
  }

  async next(): Promise<IteratorResult<T | L, undefined>> {
    if (this.state === 'open' && this.clock.now() >= this.atMs) this.expire();
    if (this.state === 'open') {
      const result = await Promise.race([this.source.next(), this.reached]);
      if (result && this.state === 'open' && this.clock.now() < this.atMs) {
        if (result.done) await this.close();
        return result.done ? { done: true, value: undefined } : result;
      }
      this.expire();
    }
    if (this.state === 'last') {
      this.state = 'done';
      return { done: false, value: this.last };
    }
    return { done: true, value: undefined };
  }

  private expire(): void {
    if (this.state !== 'open') return;
    this.state = 'last';
    this.cancelTimer();
    // Not awaited: a source parked on next() may only settle its return() once that next() has.
    this.source.return?.().catch(() => undefined);
  }

  protected async close(): Promise<void> {
    const wasOpen = this.state === 'open';
    this.state = 'done';
    this.cancelTimer();
    if (wasOpen) await this.source.return?.();
  }
}
