import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock, type ManualClock } from '../../src/lib/clock.js';
import { retryWithBackoff } from '../../src/lib/retry-with-backoff.js';

class Transient extends Error {}

/** Advances the manual clock in steps until `work` settles (bounded), letting its awaits run in between. */
const settle = async <T>(work: Promise<T>, clock: ManualClock, stepMs = 10): Promise<T> => {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let step = 0; step < 100_000 && !settled; step++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled) clock.advance(stepMs);
  }
  assert.ok(settled, 'the retry settled');
  return tracked;
};

/** An attempt that fails `failures` times (Transient), then answers; it records when each try ran. */
const failing = (clock: ManualClock, failures: number, error: () => Error = () => new Transient('down')) => {
  const triedAt: number[] = [];
  const startMs = clock.now();
  return {
    triedAt,
    attempt: async () => {
      triedAt.push(clock.now() - startMs);
      if (triedAt.length <= failures) throw error();
      return 'answered';
    },
  };
};

const isTransient = (error: unknown) => error instanceof Transient;

describe('retryWithBackoff', () => {
  it('retries a transient failure with capped exponential waits until it answers', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, 6);
    // random 1: each wait is its full capped value (100, 200, 400, 800, then capped at 1,000).
    const result = await settle(retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 60_000, baseMs: 100, capMs: 1_000, random: () => 1 }), clock);
    assert.equal(result, 'answered');
    assert.deepEqual(triedAt, [0, 100, 300, 700, 1_500, 2_500, 3_500]);
  });

  it('draws each wait between half and all of its capped value (jitter)', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, 3);
    await settle(retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 60_000, baseMs: 100, capMs: 1_000, random: () => 0 }), clock);
    assert.deepEqual(triedAt, [0, 50, 150, 350]);
  });

  it('throws any other failure at once, without waiting', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, 1, () => new Error('a bug'));
    await assert.rejects(retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 60_000 }), /a bug/);
    assert.deepEqual(triedAt, [0]);
  });

  it('gives up with the last failure once maxMs has passed since the first, trying one last time at maxMs', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, Infinity);
    await assert.rejects(settle(retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 2_000, baseMs: 100, capMs: 1_000, random: () => 1 }), clock), Transient);
    assert.deepEqual(triedAt, [0, 100, 300, 700, 1_500, 2_000]);
  });

  it('with maxMs 0 does not retry at all', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, 1);
    await assert.rejects(retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 0 }), Transient);
    assert.deepEqual(triedAt, [0]);
  });

  it('stops after the current wait, without another try, once the caller no longer wants the result', async () => {
    const clock = createManualClock();
    const { attempt, triedAt } = failing(clock, Infinity);
    let stopped = false;
    const retrying = retryWithBackoff(attempt, { clock, isRetryable: isTransient, maxMs: 60_000, baseMs: 100, random: () => 1, stopped: () => stopped });
    retrying.catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    stopped = true;
    await assert.rejects(settle(retrying, clock), Transient);
    assert.deepEqual(triedAt, [0]);
  });
});
