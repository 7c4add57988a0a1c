import type { Clock } from '../../lib/clock.js';
import type { Engine, TimerRecord } from '../../engine/types.js';
import { dueEvent } from './timer-math.js';

export interface TimerScheduler {
  /** Arms from the engine's schedule and, where other processes share it, keeps polling it. */
  start(): Promise<void>;
  /** Something is due at `dueAt`: wake earlier than planned if needed. */
  poke(dueAt: number): void;
  /** Arms the scheduler from the engine's schedule (at start, and for timers other instances created). */
  refresh(): Promise<void>;
  /** Stops arming and polling; resolves once the engine calls under way have finished. */
  stop(): Promise<void>;
}

export interface TimerSchedulerDeps {
  engine: Pick<Engine, 'timers' | 'timerPollMs'>;
  clock: Clock;
  onError: (error: unknown) => void;
  /** Called with (ideal instant, actual emit instant) for every emitted tick or finish; for metrics. */
  onEmit?: (idealAt: number, emittedAt: number) => void;
  /** Due timers processed per engine round trip. */
  batchSize?: number;
}

/**
 * One scheduler per process drives every timer from a single ordered structure of deadlines (the
 * engine's schedule) and a single clock timeout armed for the earliest one. Each due tick is computed
 * once and published once to the room topic, whence it fans out to every subscriber; emission is a
 * compare-and-set in the engine, so concurrent schedulers never double a tick or a finish.
 */
export const createTimerScheduler = ({ engine, clock, onError, onEmit, batchSize = 1_000 }: TimerSchedulerDeps): TimerScheduler => {
  let armedFor: number | undefined;
  let cancel: (() => void) | undefined;
  let running = false;
  let rerun = false;
  let stopped = false;
  let cancelPoll: (() => void) | undefined;
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

  const emit = async (timer: TimerRecord, dueAt: number) => {
    // A due entry read before another instance emitted it is stale: the record says what is due now.
    if (timer.status !== 'RUNNING' || timer.endsAt === null || timer.nextDueAt !== dueAt) return;
    const nowMs = clock.now();
    const event = dueEvent(timer.endsAt, dueAt, timer.tickMs, nowMs);
    const version = timer.version + 1;
    if (event.kind === 'finish') {
      const next: TimerRecord = { ...timer, status: 'FINISHED', endsAt: null, pausedRemainingMs: 0, nextDueAt: null, version };
      if (await engine.timers.transition(next, timer.version, null, { kind: 'timer', timer: next, remainingMs: 0, at: timer.endsAt })) {
        onEmit?.(timer.endsAt, nowMs);
      }
      return;
    }
    const next: TimerRecord = { ...timer, nextDueAt: event.nextDueAt, version };
    const tick = { kind: 'timer-tick', timer: next, remainingMs: event.remainingMs, at: event.at } as const;
    if (await engine.timers.transition(next, timer.version, event.nextDueAt, tick)) onEmit?.(event.at, nowMs);
  };

  const processDue = async () => {
    for (;;) {
      const due = await engine.timers.due(clock.now(), batchSize);
      for (const { timerId, dueAt } of due) {
        const timer = await engine.timers.get(timerId);
        if (timer) await emit(timer, dueAt);
      }
      if (due.length < batchSize) return;
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
          const dueAt = await engine.timers.nextDueAt();
          if (dueAt !== undefined) arm(dueAt);
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
