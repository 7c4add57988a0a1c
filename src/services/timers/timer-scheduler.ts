import type { Clock } from '../../lib/clock.js';
import type { Engine, TimerChangedEvent, TimerRecord } from '../../engine/types.js';
import { dueEvent } from './timer-math.js';

export interface TimerScheduler {
  /** Arms from the store's schedule and, where other processes share it, keeps polling it. */
  start(): Promise<void>;
  /** Something is due at `dueAt`: wake earlier than planned if needed. */
  poke(dueAt: number): void;
  /** Arms the scheduler from the store's schedule (at start, and for timers other instances created). */
  refresh(): Promise<void>;
  /** Stops arming and polling; resolves once the engine calls under way have finished. */
  stop(): Promise<void>;
}

export interface TimerSchedulerDeps {
  engine: Pick<Engine, 'timers' | 'bus' | 'timerPollMs'>;
  clock: Clock;
  onError: (error: unknown) => void;
  /** Called with (ideal instant, actual emit instant) for every emitted tick or finish; for metrics. */
  onEmit?: (idealAt: number, emittedAt: number) => void;
  /** Due timers processed per store round trip. */
  batchSize?: number;
  /** The first wait before a timer that failed is tried again; it doubles per failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One scheduler per process drives every timer from a single ordered structure of deadlines (the
 * store's schedule) and a single clock timeout armed for the earliest one. Each due tick is computed
 * once, committed by compare-and-set (so concurrent schedulers never double a tick or a finish) and then
 * published once to the room topic, whence it fans out to every subscriber.
 *
 * Timers are isolated from each other: one whose processing fails is logged, skipped, and tried again
 * after a backoff that doubles per failure; it never blocks the batch, and never makes the scheduler
 * spin on it.
 */
export const createTimerScheduler = ({
  engine,
  clock,
  onError,
  onEmit,
  batchSize = 1_000,
  backoffMs = 1_000,
  maxBackoffMs = 60_000,
}: TimerSchedulerDeps): TimerScheduler => {
  let armedFor: number | undefined;
  let cancel: (() => void) | undefined;
  let running = false;
  let rerun = false;
  let stopped = false;
  let cancelPoll: (() => void) | undefined;
  // Timers whose last attempt failed: when to try again, and how many times in a row they failed.
  const failing = new Map<string, { retryAt: number; failures: number }>();
  // Engine calls under way, so that stop() can wait for them before the engine is closed.
  const underWay = new Set<Promise<void>>();
  const track = async (work: Promise<void>) => {
    underWay.add(work);
    try {
      await work;
    } finally {
      underWay.delete(work);
    }
  };

  const arm = (dueAt: number) => {
    if (stopped || (armedFor !== undefined && armedFor <= dueAt)) return;
    cancel?.();
    armedFor = dueAt;
    cancel = clock.setTimeout(() => {
      armedFor = undefined;
      cancel = undefined;
      void run();
    }, Math.max(0, dueAt - clock.now()));
  };

  /** Commits the next state by compare-and-set, then publishes it; false when another scheduler got there first. */
  const commit = async (timer: TimerRecord, next: TimerRecord, event: TimerChangedEvent, idealAt: number, nowMs: number) => {
    if (!(await engine.timers.transition(next, timer.version))) return;
    await engine.bus.publish(next.roomId, event);
    onEmit?.(idealAt, nowMs);
  };

  const emit = async (timer: TimerRecord, dueAt: number) => {
    // A due entry read before another instance emitted it is stale: the record says what is due now.
    if (timer.status !== 'RUNNING' || timer.endsAt === null || timer.nextDueAt !== dueAt) return;
    const nowMs = clock.now();
    const event = dueEvent(timer.endsAt, dueAt, timer.tickMs, nowMs);
    const version = timer.version + 1;
    if (event.kind === 'finish') {
      const next: TimerRecord = { ...timer, status: 'FINISHED', endsAt: null, pausedRemainingMs: 0, nextDueAt: null, version, endedAt: timer.endsAt };
      await commit(timer, next, { kind: 'timer', timer: next, remainingMs: 0, at: timer.endsAt }, timer.endsAt, nowMs);
      return;
    }
    const next: TimerRecord = { ...timer, nextDueAt: event.nextDueAt, version };
    await commit(timer, next, { kind: 'timer-tick', timer: next, remainingMs: event.remainingMs, at: event.at }, event.at, nowMs);
  };

  const processOne = async (timerId: string, dueAt: number) => {
    try {
      const timer = await engine.timers.get(timerId);
      if (timer) await emit(timer, dueAt);
      failing.delete(timerId);
    } catch (error) {
      const failures = (failing.get(timerId)?.failures ?? 0) + 1;
      const waitMs = Math.min(maxBackoffMs, backoffMs * 2 ** (failures - 1));
      failing.set(timerId, { retryAt: clock.now() + waitMs, failures });
      onError(Object.assign(new Error(`timer ${timerId} failed (${failures} in a row); retrying in ${waitMs} ms`), { cause: error }));
    }
  };

  const processDue = async () => {
    for (;;) {
      const nowMs = clock.now();
      // Ask for enough to see past the timers that are backing off.
      const due = await engine.timers.due(nowMs, batchSize + failing.size);
      let processed = 0;
      for (const { timerId, dueAt } of due) {
        if ((failing.get(timerId)?.retryAt ?? 0) > nowMs) continue;
        await processOne(timerId, dueAt);
        processed += 1;
      }
      if (processed < batchSize || stopped) return;
    }
  };

  // Runs are serialized: a poke during a run asks for one more pass instead of a parallel one.
  const run = async () => {
    if (running) {
      rerun = true;
      return;
    }
    running = true;
    try {
      await track(
        (async () => {
          do {
            rerun = false;
            await processDue();
          } while (rerun && !stopped);
        })(),
      );
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
    await refresh();
  };

  const refresh = () =>
    track(
      (async () => {
        if (stopped) return;
        try {
          const nowMs = clock.now();
          // Timers that are backing off are due in the store but must wait for their retry: the next
          // wake-up is the earliest of their retries and the first due time after them.
          let retryAt: number | undefined;
          for (const entry of failing.values()) retryAt = Math.min(retryAt ?? Infinity, entry.retryAt);
          const overdue = failing.size === 0 ? [] : await engine.timers.due(nowMs, failing.size + 1);
          const othersOverdue = overdue.some(({ timerId }) => (failing.get(timerId)?.retryAt ?? 0) <= nowMs);
          const dueAt = othersOverdue ? nowMs : await engine.timers.nextDueAt(failing.size === 0 ? undefined : nowMs);
          for (const at of [dueAt, retryAt]) if (at !== undefined) arm(at);
        } catch (error) {
          onError(error);
        }
      })(),
    );

  // Timers created or orphaned by other instances are found by polling the shared schedule.
  const poll = (everyMs: number) => {
    cancelPoll = clock.setTimeout(() => {
      void refresh().finally(() => {
        if (!stopped) poll(everyMs);
      });
    }, everyMs);
  };

  return {
    async start() {
      await refresh();
      if (engine.timerPollMs !== undefined && !stopped) poll(engine.timerPollMs);
    },
    poke: arm,
    refresh,
    async stop() {
      stopped = true;
      cancel?.();
      cancelPoll?.();
      await Promise.allSettled(underWay);
    },
  };
};
