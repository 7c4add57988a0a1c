import type { Clock } from '../lib/clock.js';
import type { Engine } from '../engine/types.js';

export interface RetentionLimits {
  /** Messages older than this are deleted; undefined keeps everything. */
  historyRetentionMs: number | undefined;
  /** Timers that ended longer ago than this are deleted. */
  endedTimerRetentionMs: number;
}

/** Rows deleted per statement: small enough that no pass holds locks or the event loop for long. */
const BATCH = 1_000;
/** Batches per pass; the rest waits for the next pass, so a backlog is worked off without a burst. */
const MAX_BATCHES_PER_PASS = 50;
const PASS_EVERY_MS = 60_000;

export interface Retention {
  start(): void;
  /** Resolves once a pass under way has finished. */
  stop(): Promise<void>;
  /** One pass now (tests, and the first pass at start). */
  runOnce(): Promise<{ messages: number; timers: number }>;
}

/**
 * Deletes what the configuration says not to keep, in bounded batches: messages past
 * HISTORY_RETENTION_DAYS (clients holding older cursors then get CURSOR_EXPIRED), and timers that ended
 * more than ENDED_TIMER_RETENTION_MS ago. Every instance runs it; deletes are idempotent.
 */
export const createRetention = ({
  engine,
  clock,
  limits,
  onError,
}: {
  engine: Pick<Engine, 'messages' | 'timers'>;
  clock: Clock;
  limits: RetentionLimits;
  onError: (error: unknown) => void;
}): Retention => {
  let cancel: (() => void) | undefined;
  let stopped = false;
  let pass: Promise<unknown> | undefined;

  const drain = async (deleteBatch: () => Promise<number>) => {
    let total = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !stopped; batch++) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < BATCH) break;
    }
    return total;
  };

  const runOnce = async () => {
    const nowMs = clock.now();
    const { historyRetentionMs, endedTimerRetentionMs } = limits;
    const messages = historyRetentionMs === undefined ? 0 : await drain(() => engine.messages.deleteOlderThan(nowMs - historyRetentionMs, BATCH));
    const timers = await drain(() => engine.timers.purgeEnded(nowMs - endedTimerRetentionMs, BATCH));
    return { messages, timers };
  };

  const schedule = (ms: number) => {
    cancel = clock.setTimeout(() => {
      pass = runOnce()
        .catch(onError)
        .finally(() => {
          if (!stopped) schedule(PASS_EVERY_MS);
        });
    }, ms);
  };

  return {
    start: () => schedule(0),
    async stop() {
      stopped = true;
      cancel?.();
      await pass;
    },
    runOnce,
  };
};
