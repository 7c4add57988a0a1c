import type { Clock } from '../../lib/clock.js';
import type { Engine, TimerChangedEvent, TimerRecord } from '../../engine/types.js';
import type { PublicEventKind, StreamItem } from '../room-stream.js';
import { stateEvent } from './timer-service.js';
import { pullIterator } from '../../lib/pull-iterator.js';

export type TimerStreamItem = TimerChangedEvent | Extract<StreamItem, { kind: 'error' }>;

export const TIMER_EVENT_KINDS: ReadonlySet<PublicEventKind> = new Set<PublicEventKind>(['timer', 'timer-tick']);
const isFinal = (timer: TimerRecord) => timer.status === 'FINISHED' || timer.status === 'STOPPED';

/**
 * `timerTicked`: the timer's current state first, then each of its events, ending after FINISHED or
 * STOPPED. `events` must already be subscribed to the timer's room (narrowed to this timer) before the
 * state is read here; events whose version was already shown are dropped, so nothing between the read
 * and the first live event is lost or repeated.
 */
export const openTimerStream = async (options: {
  engine: Pick<Engine, 'timers'>;
  clock: Clock;
  timer: TimerRecord;
  events: AsyncIterableIterator<StreamItem>;
}): Promise<AsyncIterableIterator<TimerStreamItem>> => {
  const { engine, clock, events } = options;
  let current: TimerRecord;
  try {
    current = (await engine.timers.get(options.timer.id)) ?? options.timer;
  } catch (error) {
    await events.return?.();
    throw error;
  }
  let first: TimerStreamItem | undefined = stateEvent(current, clock.now());
  let shownVersion = current.version;
  let finished = false;

  const close = async () => {
    finished = true;
    await events.return?.();
  };
  return pullIterator<TimerStreamItem>(async () => {
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
      if ((item.kind !== 'timer' && item.kind !== 'timer-tick') || item.timer.version <= shownVersion) continue;
      shownVersion = item.timer.version;
      if (isFinal(item.timer)) finished = true;
      return { done: false, value: item };
    }
    await close();
    return { done: true, value: undefined };
  }, close);
};
