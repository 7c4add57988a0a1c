import { ErrorCode, RoomcastError, notFound } from '../errors/index.js';
import type { Engine, MessageAddedEvent, MessageRecord, RoomEventRecord, Unsubscribe } from '../engine/types.js';
import { pullIterator } from '../lib/pull-iterator.js';

/** Events a client may see; internal ones (membership, resync) never leave this module. */
export type PublicRoomEvent = Exclude<RoomEventRecord, { kind: 'membership' | 'resync' }>;
export type PublicEventKind = PublicRoomEvent['kind'];

/** A stream yields events, and at most one final error after which it is done. */
export type StreamItem = PublicRoomEvent | { kind: 'error'; error: RoomcastError };

/**
 * A consumer that can take a live item synchronously (write it to a socket at once); it answers false
 * when it cannot, and the item then takes the ordinary queued path.
 */
export type LiveSink = (item: PublicRoomEvent) => boolean;

/** Streams from `openRoomStream` accept a live sink under this key. */
export const attachLiveSink = Symbol('attachLiveSink');

export type RoomStream = AsyncIterableIterator<StreamItem> & { [attachLiveSink](sink: LiveSink): void };

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
  /** Called once when the stream ends, however it ends (presence uses it to release its hold). */
  onClose?: () => void;
}

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
  const { engine, roomId, viewerId, kinds, maxBuffered } = options;
  const catchUpPageSize = options.catchUpPageSize ?? 100;
  const inbox: RoomEventRecord[] = [];
  const ready: StreamItem[] = [];
  let nextSeq = 0;
  let catchingUp = false;
  let done = false;
  let wake: (() => void) | undefined;
  let sink: LiveSink | undefined;

  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const onEvent = (event: RoomEventRecord) => {
    if (done) return;
    if (event.kind === 'resync') {
      // Whatever the engine may have missed is in the log: read it from where this stream is.
      if (kinds.has('message')) catchingUp = true;
      signal();
      return;
    }
    // Filtered on arrival so that a busy room costs an idle subscriber nothing it does not want.
    if (event.kind === 'membership' ? event.userId !== viewerId : !kinds.has(event.kind) || options.accepts?.(event) === false) return;
    // The hot path: a caught-up consumer parked on next() takes the next item synchronously, with no
    // queue, promise or wake-up in between. Anything out of order takes the queued path below.
    if (sink && wake && !catchingUp && inbox.length === 0 && ready.length === 0 && event.kind !== 'membership') {
      if (event.kind !== 'message') {
        if (sink(event)) return;
      } else if (event.message.seq === nextSeq && sink(event)) {
        nextSeq += 1;
        return;
      }
    }
    if (inbox.length >= maxBuffered) {
      // Messages can be re-read from the log, so dropping them costs a read, never a loss.
      const kept = inbox.filter((queued) => queued.kind !== 'message');
      const droppedMessages = kept.length < inbox.length;
      inbox.length = 0;
      inbox.push(...kept);
      if (droppedMessages) catchingUp = true;
      if (inbox.length >= maxBuffered) {
        inbox.length = 0;
        ready.length = 0;
        ready.push({ kind: 'error', error: new RoomcastError(ErrorCode.SlowConsumer, 'Subscriber fell too far behind; resume from the last cursor') });
      }
    }
    inbox.push(event);
    signal();
  };

  // Subscribe before reading the head or history, or a message appended between the two is lost.
  const unsubscribe: Unsubscribe = await engine.bus.subscribe(roomId, onEvent);
  try {
    if (options.afterSeq === undefined) {
      nextSeq = (await engine.messages.head(roomId)) + 1;
    } else {
      nextSeq = options.afterSeq + 1;
      catchingUp = kinds.has('message');
    }
    if (options.snapshot) ready.push(...(await options.snapshot()));
  } catch (error) {
    await unsubscribe();
    options.onClose?.();
    throw error;
  }

  // A live message keeps the bus's event object, which every subscriber of the room shares (payloads are
  // computed once per event object); a message read from the log gets a wrapper of its own.
  const deliverMessage = (message: MessageRecord, liveEvent?: MessageAddedEvent) => {
    if (message.seq < nextSeq) return;
    if (message.seq > nextSeq) {
      catchingUp = true;
      return;
    }
    nextSeq += 1;
    ready.push(liveEvent ?? { kind: 'message', message });
  };

  const accept = (event: RoomEventRecord) => {
    if (event.kind === 'resync') return;
    if (event.kind === 'membership') {
      if (options.roomIsPrivate && !event.member && event.userId === viewerId) {
        ready.push({ kind: 'error', error: notFound('Room') });
      }
      return;
    }
    if (!kinds.has(event.kind)) return;
    if (event.kind === 'message') deliverMessage(event.message, event);
    else ready.push(event);
  };

  const catchUp = async () => {
    const page = await engine.messages.range(roomId, nextSeq, nextSeq + catchUpPageSize - 1);
    for (const message of page) deliverMessage(message);
    if (page.length < catchUpPageSize) catchingUp = false;
  };

  let finish: Promise<void> | undefined;
  const close = () => {
    done = true;
    signal();
    if (!finish) {
      options.onClose?.();
      finish = unsubscribe();
    }
    return finish;
  };

  const next = async (): Promise<IteratorResult<StreamItem, undefined>> => {
    for (;;) {
      if (done) return { done: true, value: undefined };
      const item = ready.shift();
      if (item) {
        if (item.kind === 'error') await close();
        return { done: false, value: item };
      }
      if (catchingUp) {
        await catchUp();
        continue;
      }
      const event = inbox.shift();
      if (event) {
        accept(event);
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  return Object.assign(pullIterator(next, close), {
    [attachLiveSink](liveSink: LiveSink) {
      sink = liveSink;
    },
  });
};
