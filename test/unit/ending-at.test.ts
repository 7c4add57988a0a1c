// endingAt on a manual clock: items pass until the instant, then the last value once, then done; the
// source is released at the instant even when nobody pulls; a late item is dropped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../../src/lib/clock.js';
import { endingAt, scheduleAt } from '../../src/lib/ending-at.js';

/** A source whose items are pushed by the test; records whether it was returned. */
const pushSource = () => {
  const queued: number[] = [];
  let waiting: ((result: IteratorResult<number, undefined>) => void) | undefined;
  const state = { returned: false };
  const source: AsyncIterator<number, undefined> = {
    next: () => {
      const item = queued.shift();
      if (item !== undefined) return Promise.resolve({ done: false, value: item });
      if (state.returned) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: async () => {
      state.returned = true;
      waiting?.({ done: true, value: undefined });
      return { done: true, value: undefined };
    },
  };
  const push = (item: number) => {
    const resolve = waiting;
    waiting = undefined;
    if (resolve) resolve({ done: false, value: item });
    else queued.push(item);
  };
  return { source, push, state };
};

describe('endingAt', () => {
  it('passes items until the instant, then yields the last value once and is done', async () => {
    const clock = createManualClock();
    const { source, push, state } = pushSource();
    const stream = endingAt(source, clock.now() + 1_000, clock, 'expired');
    push(1);
    assert.deepEqual(await stream.next(), { done: false, value: 1 });
    const parked = stream.next();
    clock.advance(1_000);
    assert.equal(state.returned, true, 'the source is released at the instant');
    assert.deepEqual(await parked, { done: false, value: 'expired' });
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('releases the source at the instant when nobody pulls, and drops what it held', async () => {
    const clock = createManualClock();
    const { source, push, state } = pushSource();
    const stream = endingAt(source, clock.now() + 500, clock, 'expired');
    push(7);
    clock.advance(500);
    assert.equal(state.returned, true);
    assert.deepEqual(await stream.next(), { done: false, value: 'expired' });
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('return() before the instant releases the source and cancels the timer', async () => {
    const clock = createManualClock();
    const { source, state } = pushSource();
    const stream = endingAt(source, clock.now() + 500, clock, 'expired');
    await stream.return?.();
    assert.equal(state.returned, true);
    clock.advance(1_000);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('scheduleAt waits for an instant beyond setTimeout range in capped steps', () => {
    const clock = createManualClock();
    let fired = false;
    scheduleAt(clock, clock.now() + 30 * 24 * 3_600_000, () => (fired = true));
    clock.advance(25 * 24 * 3_600_000);
    assert.equal(fired, false);
    clock.advance(5 * 24 * 3_600_000);
    assert.equal(fired, true);
  });
});
