import { z } from 'zod';
import type { Clock } from '../../lib/clock.js';
import { randomId } from '../../lib/random-id.js';
import { ErrorCode, RoomcastError, forbidden, notFound } from '../../errors/index.js';
import type { Engine, TimerChangedEvent, TimerRecord, TimerStatus } from '../../engine/types.js';
import type { RoomService } from '../rooms.js';
import type { WriteLimits } from '../write-limits.js';
import type { Actor } from '../actor.js';
import { zodToBadInput } from '../zod-to-bad-input.js';
import { nextDueAt, remainingMsAt } from './timer-math.js';

export const DURATION_MS = { min: 1_000, max: 86_400_000 } as const;
export const TICK_MS = { min: 100, max: 60_000, default: 1_000 } as const;
export const LABEL_MAX = 100;
export const MAX_ACTIVE_TIMERS_PER_ROOM = 20;
/** `Room.timers` lists the room's newest timers, at most this many (ended ones are purged after a while). */
export const TIMERS_LISTED_MAX = 100;
// A pause racing a tick loses the compare-and-set and retries on fresh state; ticks are rare enough
// that a handful of attempts always suffices.
const MAX_CAS_ATTEMPTS = 8;

const StartTimerInput = z.object({
  roomId: z.string(),
  durationMs: z.number().int().min(DURATION_MS.min).max(DURATION_MS.max),
  tickMs: z.number().int().min(TICK_MS.min).max(TICK_MS.max).nullish(),
  label: z.string().trim().max(LABEL_MAX).nullish(),
});

export interface TimerService {
  start(actor: Actor, input: z.input<typeof StartTimerInput>): Promise<TimerRecord>;
  pause(actor: Actor, timerId: string): Promise<TimerRecord>;
  resume(actor: Actor, timerId: string): Promise<TimerRecord>;
  stop(actor: Actor, timerId: string): Promise<TimerRecord>;
  /** A timer of a room the viewer may see, else undefined. */
  find(viewerId: string, timerId: string): Promise<TimerRecord | undefined>;
  listByRoom(roomId: string, status?: TimerStatus | null): Promise<TimerRecord[]>;
}

export interface TimerServiceDeps {
  engine: Pick<Engine, 'timers' | 'bus'>;
  rooms: RoomService;
  clock: Clock;
  writes: WriteLimits;
  /** Tells this process's scheduler that something may now be due earlier than it planned. */
  onScheduled: (dueAt: number) => void;
}

export const stateEvent = (timer: TimerRecord, at: number): TimerChangedEvent => ({
  kind: 'timer',
  timer,
  remainingMs: remainingMsAt(timer, at),
  at,
});

const ended = (timer: TimerRecord) => timer.status === 'FINISHED' || timer.status === 'STOPPED';

export const createTimerService = ({ engine, rooms, clock, writes, onScheduled }: TimerServiceDeps): TimerService => {
  const find = async (viewerId: string, timerId: string) => {
    const timer = await engine.timers.get(timerId);
    if (!timer || !(await rooms.find(viewerId, timer.roomId))) return undefined;
    return timer;
  };

  /**
   * Applies `change` to the current state with compare-and-set, retrying when a tick got there first.
   * `change` returns the next state and its due time, or undefined for "nothing to do".
   */
  const update = async (
    actor: Actor,
    timerId: string,
    change: (timer: TimerRecord, nowMs: number) => { next: TimerRecord; dueAt: number | null } | undefined,
  ): Promise<TimerRecord> => {
    await writes.spend('timers', actor.userId);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const timer = await find(actor.userId, timerId);
      if (!timer) throw notFound('Timer');
      const room = await rooms.require(actor.userId, timer.roomId);
      if (timer.startedBy !== actor.userId && room.ownerId !== actor.userId) {
        throw forbidden("Only the timer's starter or the room's owner may change it");
      }
      if (ended(timer)) {
        throw new RoomcastError(ErrorCode.TimerEnded, `Timer is ${timer.status.toLowerCase()}`, { status: timer.status });
      }
      const nowMs = clock.now();
      const planned = change(timer, nowMs);
      if (!planned) return timer;
      const next: TimerRecord = {
        ...planned.next,
        version: timer.version + 1,
        nextDueAt: planned.dueAt,
        endedAt: ended(planned.next) ? nowMs : null,
      };
      if (await engine.timers.transition(next, timer.version)) {
        // After the commit: a subscriber told of a change can read it back.
        await engine.bus.publish(next.roomId, stateEvent(next, nowMs));
        if (planned.dueAt !== null) onScheduled(planned.dueAt);
        return next;
      }
    }
    throw new RoomcastError(ErrorCode.InternalServerError, 'Timer is changing too fast; try again');
  };

  return {
    find,
    async start(actor, rawInput) {
      await writes.spend('timers', actor.userId);
      const input = zodToBadInput(StartTimerInput, rawInput);
      const room = await rooms.requireMember(actor.userId, input.roomId, 'Join the room before starting a timer');
      const nowMs = clock.now();
      const tickMs = input.tickMs ?? TICK_MS.default;
      const endsAt = nowMs + input.durationMs;
      const dueAt = nextDueAt(endsAt, input.durationMs, tickMs);
      const timer: TimerRecord = {
        id: randomId('timer'),
        roomId: room.id,
        label: input.label || null,
        durationMs: input.durationMs,
        tickMs,
        status: 'RUNNING',
        startedBy: actor.userId,
        startedByName: actor.name,
        startedAt: nowMs,
        endsAt,
        pausedRemainingMs: input.durationMs,
        nextDueAt: dueAt,
        version: 1,
        endedAt: null,
      };
      if (!(await engine.timers.create(timer, MAX_ACTIVE_TIMERS_PER_ROOM))) {
        throw new RoomcastError(ErrorCode.LimitExceeded, `A room may have at most ${MAX_ACTIVE_TIMERS_PER_ROOM} running or paused timers`, {
          limit: 'timersPerRoom',
          max: MAX_ACTIVE_TIMERS_PER_ROOM,
        });
      }
      await engine.bus.publish(timer.roomId, stateEvent(timer, nowMs));
      onScheduled(dueAt);
      return timer;
    },
    pause: (actor, timerId) =>
      update(actor, timerId, (timer, nowMs) =>
        timer.status !== 'RUNNING'
          ? undefined
          : { next: { ...timer, status: 'PAUSED', endsAt: null, pausedRemainingMs: remainingMsAt(timer, nowMs) }, dueAt: null },
      ),
    resume: (actor, timerId) =>
      update(actor, timerId, (timer, nowMs) => {
        if (timer.status !== 'PAUSED') return undefined;
        const endsAt = nowMs + timer.pausedRemainingMs;
        return {
          next: { ...timer, status: 'RUNNING', endsAt },
          dueAt: nextDueAt(endsAt, timer.pausedRemainingMs, timer.tickMs),
        };
      }),
    stop: (actor, timerId) =>
      update(actor, timerId, (timer, nowMs) => ({
        next: { ...timer, status: 'STOPPED', endsAt: null, pausedRemainingMs: remainingMsAt(timer, nowMs) },
        dueAt: null,
      })),
    async listByRoom(roomId, status) {
      const timers = await engine.timers.listByRoom(roomId, TIMERS_LISTED_MAX);
      return status ? timers.filter((timer) => timer.status === status) : timers;
    },
  };
};
