import type { TimerRecord } from '../../engine/types.js';

// Pure arithmetic of a deadline-aligned countdown. A RUNNING timer is its deadline: the remaining time is
// always `endsAt - now`, so a late or slow scheduler can delay an emission but never skew the clock.

/** Remaining ms of a timer as of `nowMs`. */
export const remainingMsAt = (timer: TimerRecord, nowMs: number): number =>
  timer.status === 'RUNNING' && timer.endsAt !== null ? Math.max(0, timer.endsAt - nowMs) : timer.pausedRemainingMs;

/**
 * When the next event of a running countdown is due: the instant its remaining time reaches the largest
 * multiple of `tickMs` below `remainingMs` (a tick), or the deadline itself when no multiple is left.
 * 3,000 ms with 1,000 ms ticks: ticks at 2,000 and 1,000 remaining, then the deadline.
 */
export const nextDueAt = (endsAt: number, remainingMs: number, tickMs: number): number => {
  const nextRemaining = Math.floor((remainingMs - 1) / tickMs) * tickMs;
  return nextRemaining > 0 ? endsAt - nextRemaining : endsAt;
};

/**
 * The event to emit for a due entry processed at `nowMs`. Ticks whose successor is also already past
 * are skipped (after a stall, clients want the current second, not a burst of stale ones).
 */
export const dueEvent = (
  endsAt: number,
  dueAt: number,
  tickMs: number,
  nowMs: number,
): { kind: 'finish' } | { kind: 'tick'; at: number; remainingMs: number; nextDueAt: number } => {
  if (dueAt >= endsAt || nowMs >= endsAt) return { kind: 'finish' };
  // The latest tick boundary at or before now (normally dueAt itself).
  const at = Math.max(dueAt, endsAt - Math.ceil((endsAt - nowMs) / tickMs) * tickMs);
  return { kind: 'tick', at, remainingMs: endsAt - at, nextDueAt: nextDueAt(endsAt, endsAt - at, tickMs) };
};
