// Reconnect and resend delays: exponential, capped, jittered below the cap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from '../../client/index.js';

const options = { baseMs: 100, maxMs: 2_000 };

describe('backoff', () => {
  it('doubles the ceiling per attempt up to the cap', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelayMs(attempt, { ...options, random: () => 0.999_999 }));
    assert.deepEqual(ceilings, [100, 200, 400, 800, 1_600, 2_000, 2_000]);
  });

  it('draws uniformly below the ceiling (full jitter), never negative or NaN', () => {
    assert.equal(backoffDelayMs(3, { ...options, random: () => 0 }), 0);
    assert.equal(backoffDelayMs(3, { ...options, random: () => 0.5 }), 400);
    for (const attempt of [0, 7, 1_000, Number.MAX_SAFE_INTEGER, -1]) {
      const delay = backoffDelayMs(attempt, options);
      assert.ok(Number.isInteger(delay) && delay >= 0 && delay <= options.maxMs, `attempt ${attempt}: ${delay}`);
    }
  });

  it('spreads clients out: 200 clients retrying at once do not pick one delay', () => {
    const delays = new Set(Array.from({ length: 200 }, () => backoffDelayMs(6, options)));
    assert.ok(delays.size > 100, `${delays.size} distinct delays`);
  });
});
