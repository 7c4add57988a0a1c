import type { Clock } from '../../lib/clock.js';
import type { Engine, TimerChangedEvent, TimerRecord } from '../../engine/types.js';
import { isLiveSource, type LiveSink, type LiveSource, type PublicEventKind, type PublicRoomEvent, type StreamItem } from '../room-stream.js';
import { stateEvent } from './timer-service.js';
import { ClosingIterator } from '../../lib/pull-iterator.js';

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
  return new TimerStream(events, stateEvent(current, clock.now()));
};

/**
 * Pulled for the first state, for final and error items and for whatever the room stream queued; a
 * caught-up consumer's running ticks take the room stream's live sink instead (written once per group,
 * with no promise per subscriber), under the same version check. A class for the same reason as
 * LiveRoomStream: one per subscriber.
 */
class TimerStream extends ClosingIterator<TimerStreamItem> implements LiveSource {
  private first: TimerStreamItem | undefined;
  private shownVersion: number;
  private finished = false;

  constructor(
    private readonly events: AsyncIterableIterator<StreamItem>,
    first: TimerChangedEvent,
  ) {
    super();
    this.first = first;
    this.shownVersion = first.timer.version;
  }

  attachLive(sink: LiveSink): void {
    if (isLiveSource(this.events)) this.events.attachLive((item) => this.takeLive(item, sink));
  }

  whenIdle(): Promise<void> {
    if (this.finished || !isLiveSource(this.events)) return Promise.resolve();
    return this.events.whenIdle();
  }

  // True when the item was written or is one to drop; false sends it down the pull path: before the first
  // state was taken, and for a final state (the stream ends after it, which only `next` can do).
  private takeLive(item: PublicRoomEvent, sink: LiveSink): boolean {
    if (this.finished || this.first) return false;
    if (item.kind !== 'timer' && item.kind !== 'timer-tick') return true;
    if (item.timer.version <= this.shownVersion) return true;
    if (isFinal(item.timer) || !sink(item)) return false;
    this.shownVersion = item.timer.version;
    return true;
  }

  async next(): Promise<IteratorResult<TimerStreamItem, undefined>> {
    const item = this.first;
    if (item) {
      this.first = undefined;
      if (item.kind !== 'error' && isFinal(item.timer)) this.finished = true;
      return { done: false, value: item };
    }
    while (!this.finished) {
      const result = await this.events.next();
      if (result.done) break;
      const event = result.value;
      if (event.kind === 'error') {
        this.finished = true;
        return { done: false, value: event };
      }
      if ((event.kind !== 'timer' && event.kind !== 'timer-tick') || event.timer.version <= this.shownVersion) continue;
      this.shownVersion = event.timer.version;
      if (isFinal(event.timer)) this.finished = true;
      return { done: false, value: event };
    }
    await this.close();
    return { done: true, value: undefined };
  }

  protected async close(): Promise<void> {
    this.finished = true;
    await this.events.return?.();
  }
}
