import { ErrorCode, RoomcastError, notFound } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { ClosingIterator } from '../lib/pull-iterator.js';
import { retryWithBackoff } from '../lib/retry-with-backoff.js';
import type { Engine, MessageAddedEvent, MessageRecord, RoomEventRecord, Unsubscribe } from '../engine/types.js';

/** Events a client may see; internal ones (membership, resync) never leave this module. */
export type PublicRoomEvent = Exclude<RoomEventRecord, { kind: 'membership' | 'resync' }>;
export type PublicEventKind = PublicRoomEvent['kind'];

/** A stream yields events, and at most one final error after which it is done. */
export type StreamItem = PublicRoomEvent | { kind: 'error'; error: RoomcastError };

/**
 * A consumer that can take a live item synchronously; it answers false when it cannot, and the item then
 * takes the ordinary queued path. Taking an item means owning its delivery from then on, in order: the
 * broadcast groups of the transport take it here and write it once the bus listener has returned.
 */
export type LiveSink = (item: PublicRoomEvent) => boolean;

/**
 * What a room stream (and any stream that wraps one) offers a consumer that writes to a socket itself.
 */
export interface LiveSource {
  /** Live items this stream can deliver in order go to `sink` first; what it refuses is queued. */
  attachLive(sink: LiveSink): void;
  /**
   * Resolves once every event the stream had received by then has been taken by its consumer: the next
   * time the consumer waits on an empty stream (or at once if it is waiting now, or the stream has
   * ended). Shutdown uses it to let published messages reach the socket before it closes.
   */
  whenIdle(): Promise<void>;
}

export const isLiveSource = (value: unknown): value is LiveSource =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<LiveSource>).attachLive === 'function' &&
  typeof (value as Partial<LiveSource>).whenIdle === 'function';

export type RoomStream = AsyncIterableIterator<StreamItem> & LiveSource;

export interface RoomStreamOptions {
  engine: Pick<Engine, 'bus' | 'messages'>;
  roomId: string;
  viewerId: string;
  /** Private rooms end the stream when the viewer leaves. */
  roomIsPrivate: boolean;
  /** Replay every message after this seq first; undefined: live only. */
  afterSeq: number | undefined;
  kinds: ReadonlySet<PublicEventKind>;
  /** Narrows further on arrival (e.g. to one timer), so that other events never wake this subscriber. */
  accepts?: (event: PublicRoomEvent) => boolean;
  /** Live events held for a consumer that is not reading; past it, messages are re-read from the log. */
  maxBuffered: number;
  /** Messages read from the log per round trip while catching up. */
  catchUpPageSize?: number;
  /** Read once after subscribing, and delivered before any live event (e.g. who is online now). */
  snapshot?: () => Promise<PublicRoomEvent[]>;
  /**
   * Read again after a resync (the bus may have missed events while its connection was down), and
   * delivered like live events: e.g. a timer's current state, so that a finish published during a Redis
   * outage still ends the stream. Consumers drop what they have already seen.
   */
  resnapshot?: () => Promise<PublicRoomEvent[]>;
  /** Called once when the stream ends, however it ends (presence uses it to release its hold). */
  onClose?: () => void;
  /** Reads that fail with ENGINE_UNAVAILABLE are retried for up to `maxMs`; past it the stream ends with that code. */
  outage: { clock: Clock; maxMs: number };
}

const isEngineUnavailable = (error: unknown): error is RoomcastError => error instanceof RoomcastError && error.code === ErrorCode.EngineUnavailable;

/**
 * One subscriber's view of a room: replay after a cursor, then live, with no gap and no duplicate.
 *
 * The stream tracks `nextSeq`, the seq it must deliver next. Live messages below it are duplicates and
 * are dropped; a live message above it means something was missed (the replay was still running, the
 * buffer overflowed, or the engine's connection dropped), so the stream reads the log from `nextSeq`
 * until it has caught up. Replay, gap filling and overflow recovery are therefore one mechanism, and
 * they are safe because a message is in the log before it is published.
 */
export const openRoomStream = async (options: RoomStreamOptions): Promise<RoomStream> => {
  const stream = new LiveRoomStream(options);
  await stream.start();
  return stream;
};

// A class rather than closures over locals: every subscriber holds one, and prototype methods cost
// nothing per subscriber where a closure costs a function object each.
class LiveRoomStream extends ClosingIterator<StreamItem> implements RoomStream {
  private readonly inbox: RoomEventRecord[] = [];
  private readonly ready: StreamItem[] = [];
  private readonly catchUpPageSize: number;
  private nextSeq = 0;
  private catchingUp = false;
  private resnapshotting = false;
  private done = false;
  private wake: (() => void) | undefined;
  private sink: LiveSink | undefined;
  private unsubscribe: Unsubscribe | undefined;
  private finish: Promise<void> | undefined;
  private idleWaiters: (() => void)[] | undefined;

  constructor(private readonly options: RoomStreamOptions) {
    super();
    this.catchUpPageSize = options.catchUpPageSize ?? 100;
  }

  async start(): Promise<void> {
    const { engine, roomId, kinds } = this.options;
    // Subscribe before reading the head or history, or a message appended between the two is lost.
    const unsubscribe = await engine.bus.subscribe(roomId, (event) => this.onEvent(event));
    this.unsubscribe = unsubscribe;
    try {
      if (this.options.afterSeq === undefined) {
        this.nextSeq = (await this.read(() => engine.messages.head(roomId))) + 1;
      } else {
        this.nextSeq = this.options.afterSeq + 1;
        this.catchingUp = kinds.has('message');
      }
      const { snapshot } = this.options;
      if (snapshot) this.ready.push(...(await this.read(snapshot)));
    } catch (error) {
      await unsubscribe();
      this.options.onClose?.();
      throw error;
    }
  }

  attachLive(sink: LiveSink): void {
    this.sink = sink;
  }

  // The consumer parks on next() only with nothing ready, queued or left to catch up: whatever arrived
  // earlier has been handed over (and, for a direct subscription, written), or taken by the live sink.
  whenIdle(): Promise<void> {
    if (this.done || this.wake) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiters ??= []).push(resolve));
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = undefined;
    for (const resolve of waiters ?? []) resolve();
  }

  async next(): Promise<IteratorResult<StreamItem, undefined>> {
    for (;;) {
      if (this.done) return { done: true, value: undefined };
      const item = this.ready.shift();
      if (item) {
        if (item.kind === 'error') await this.close();
        return { done: false, value: item };
      }
      if (this.catchingUp) {
        await this.catchUp();
        continue;
      }
      if (this.resnapshotting) {
        await this.resnapshot();
        continue;
      }
      const event = this.inbox.shift();
      if (event) {
        this.accept(event);
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.settleIdle();
      });
    }
  }

  private signal(): void {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  }

  private onEvent(event: RoomEventRecord): void {
    if (this.done) return;
    const { kinds, viewerId, maxBuffered } = this.options;
    if (event.kind === 'resync') {
      // Whatever the engine may have missed is in the log: read it from where this stream is.
      if (kinds.has('message')) this.catchingUp = true;
      if (this.options.resnapshot) this.resnapshotting = true;
      this.signal();
      return;
    }
    // Filtered on arrival so that a busy room costs an idle subscriber nothing it does not want.
    if (event.kind === 'membership' ? event.userId !== viewerId : !kinds.has(event.kind) || this.options.accepts?.(event) === false) return;
    // The hot path: a caught-up consumer parked on next() takes the next item synchronously, with no
    // queue, promise or wake-up in between. Anything out of order takes the queued path below.
    const { sink, inbox } = this;
    if (sink && this.wake && !this.catchingUp && inbox.length === 0 && this.ready.length === 0 && event.kind !== 'membership') {
      if (event.kind !== 'message') {
        if (sink(event)) return;
      } else if (event.message.seq === this.nextSeq && sink(event)) {
        this.nextSeq += 1;
        return;
      }
    }
    if (inbox.length >= maxBuffered) {
      // Messages can be re-read from the log, so dropping them costs a read, never a loss.
      const kept = inbox.filter((queued) => queued.kind !== 'message');
      const droppedMessages = kept.length < inbox.length;
      inbox.length = 0;
      inbox.push(...kept);
      if (droppedMessages) this.catchingUp = true;
      if (inbox.length >= maxBuffered) {
        inbox.length = 0;
        this.ready.length = 0;
        this.ready.push({ kind: 'error', error: new RoomcastError(ErrorCode.SlowConsumer, 'Subscriber fell too far behind; resume from the last cursor') });
      }
    }
    inbox.push(event);
    this.signal();
  }

  // A live message keeps the bus's event object, which every subscriber of the room shares (a consumer
  // pulling it from its queue may reuse the payload its broadcast group made of that object); a message
  // read from the log gets a wrapper of its own.
  private deliverMessage(message: MessageRecord, liveEvent?: MessageAddedEvent): void {
    if (message.seq < this.nextSeq) return;
    if (message.seq > this.nextSeq) {
      this.catchingUp = true;
      return;
    }
    this.nextSeq += 1;
    this.ready.push(liveEvent ?? { kind: 'message', message });
  }

  private accept(event: RoomEventRecord): void {
    if (event.kind === 'resync') return;
    if (event.kind === 'membership') {
      if (this.options.roomIsPrivate && !event.member && event.userId === this.options.viewerId) {
        this.ready.push({ kind: 'error', error: notFound('Room') });
      }
      return;
    }
    if (!this.options.kinds.has(event.kind)) return;
    if (event.kind === 'message') this.deliverMessage(event.message, event);
    else this.ready.push(event);
  }

  private async catchUp(): Promise<void> {
    const { engine, roomId } = this.options;
    let page: MessageRecord[];
    try {
      page = await this.read(() => engine.messages.range(roomId, this.nextSeq, this.nextSeq + this.catchUpPageSize - 1));
    } catch (error) {
      if (this.done) return;
      if (!isEngineUnavailable(error)) throw error;
      // The outage outlasted the ceiling: end with its code, after whatever was already in order.
      this.catchingUp = false;
      this.ready.push({ kind: 'error', error });
      return;
    }
    const first = page[0];
    if (first && first.seq > this.nextSeq) {
      // Retention deleted what this stream had still to deliver: say so rather than skip it.
      this.catchingUp = false;
      this.ready.push({ kind: 'error', error: new RoomcastError(ErrorCode.CursorExpired, 'Messages this stream had still to deliver were deleted by retention', { firstKeptSeq: first.seq }) });
      return;
    }
    for (const message of page) this.deliverMessage(message);
    if (page.length < this.catchUpPageSize) this.catchingUp = false;
  }

  private async resnapshot(): Promise<void> {
    this.resnapshotting = false;
    const { resnapshot } = this.options;
    if (!resnapshot) return;
    try {
      this.ready.push(...(await this.read(resnapshot)));
    } catch (error) {
      if (this.done) return;
      if (!isEngineUnavailable(error)) throw error;
      this.ready.push({ kind: 'error', error });
    }
  }

  // A transient outage pauses the stream instead of ending it: after a restart the bus can resync before
  // the engine answers reads again, and live events keep queueing (bounded) meanwhile.
  private read<T>(load: () => Promise<T>): Promise<T> {
    const { clock, maxMs } = this.options.outage;
    return retryWithBackoff(load, { clock, maxMs, isRetryable: isEngineUnavailable, stopped: () => this.done });
  }

  protected close(): Promise<void> {
    this.done = true;
    this.signal();
    this.settleIdle();
    if (!this.finish) {
      this.options.onClose?.();
      this.finish = this.unsubscribe?.() ?? Promise.resolve();
    }
    return this.finish;
  }
}
