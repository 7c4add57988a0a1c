import type { Clock } from '../../lib/clock.js';
import type { Engine, TimerChangedEvent, TimerRecord } from '../../engine/types.js';
import { openRoomStream, type StreamItem } from '../room-stream.js';
import { stateEvent } from './timer-service.js';

export type TimerStreamItem = TimerChangedEvent | Extract<StreamItem, { kind: 'error' }>;

const TIMER_EVENTS = new Set(['timer', 'timer-tick'] as const);
const isFinal = (timer: TimerRecord) => timer.status === 'FINISHED' || timer.status === 'STOPPED';

/**
 * `timerTicked`: the timer's current state first, then each of its events, ending after FINISHED or
 * STOPPED. It listens on the room topic before reading the state, and drops events whose version it has
 * already shown, so nothing between the read and the first live event is lost or repeated.
 */
export const openTimerStream = async (options: {
  engine: Pick<Engine, 'bus' | 'messages' | 'timers'>;
  clock: Clock;
  timer: TimerRecord;
  viewerId: string;
  roomIsPrivate: boolean;
  maxBuffered: number;
}): Promise<AsyncIterableIterator<TimerStreamItem>> => {
  const { engine, clock } = options;
  const events = await openRoomStream({
    engine,
    roomId: options.timer.roomId,
    viewerId: options.viewerId,
    roomIsPrivate: options.roomIsPrivate,
    afterSeq: undefined,
    kinds: TIMER_EVENTS,
    maxBuffered: options.maxBuffered,
  });
  const current = (await engine.timers.get(options.timer.id)) ?? options.timer;
  let first: TimerStreamItem | undefined = stateEvent(current, clock.now());
  let shownVersion = current.version;
  let finished = false;

  const iterator: AsyncIterableIterator<TimerStreamItem> = {
    async next() {
      if (first) {
        const item = first;
        first = undefined;
        if (item.kind !== 'error' && isFinal(item.timer)) finished = true;
        return { done: false, value: item };
      }
      while (!finished) {
        const result = await events.next();
        if (result.done) break;
        const item = result.value;
        if (item.kind === 'error') {
          finished = true;
          return { done: false, value: item };
        }
        if ((item.kind !== 'timer' && item.kind !== 'timer-tick') || item.timer.id !== current.id || item.timer.version <= shownVersion) continue;
        shownVersion = item.timer.version;
        if (isFinal(item.timer)) finished = true;
        return { done: false, value: item };
      }
      await events.return?.();
      return { done: true, value: undefined };
    },
    async return() {
      finished = true;
      await events.return?.();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await events.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
};
