import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dueEvent, nextDueAt } from '../../src/services/timers/timer-math.js';

describe('timer math', () => {
  it('aligns ticks to the deadline', () => {
    const endsAt = 10_000;
    assert.equal(nextDueAt(endsAt, 3_000, 1_000), 8_000, 'first tick at 2,000 remaining');
    assert.equal(nextDueAt(endsAt, 2_000, 1_000), 9_000);
    assert.equal(nextDueAt(endsAt, 1_000, 1_000), 10_000, 'then the deadline');
    assert.equal(nextDueAt(endsAt, 2_500, 1_000), 8_000, 'an odd remainder waits for the next multiple');
    assert.equal(nextDueAt(endsAt, 1_500, 1_000), 9_000, 'after a resume at 1,500 the next tick is 1,000');
    assert.equal(nextDueAt(endsAt, 800, 1_000), 10_000, 'less than a tick left: straight to the deadline');
  });

  it('emits the tick that is due, and finishes at the deadline', () => {
    assert.deepEqual(dueEvent(10_000, 8_000, 1_000, 8_002), { kind: 'tick', at: 8_000, remainingMs: 2_000, nextDueAt: 9_000 });
    assert.deepEqual(dueEvent(10_000, 10_000, 1_000, 10_003), { kind: 'finish' });
    assert.deepEqual(dueEvent(10_000, 9_000, 1_000, 10_500), { kind: 'finish' }, 'past the deadline: finish');
  });

  it('skips ticks that went stale while the process was stalled', () => {
    // Due at 2,000 remaining, but the loop woke with 3,500 ms left... of a 10 s timer: show the 4,000 tick.
    assert.deepEqual(dueEvent(20_000, 11_000, 1_000, 16_500), { kind: 'tick', at: 16_000, remainingMs: 4_000, nextDueAt: 17_000 });
  });
});
