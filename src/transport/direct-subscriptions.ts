import { createSourceEventStream, execute as graphqlExecute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { applyErrorPolicy } from '../errors/graphql-errors.js';
import { attachLiveSink, whenIdle, type LiveSink } from '../services/room-stream.js';
import { isAsyncIterable } from '../lib/is-async-iterable.js';
import { ClosingIterator } from '../lib/pull-iterator.js';
import { whenFlushed, writeCoalesced } from './coalesced-writes.js';
import type { FrameWriter } from './server-socket.js';
import { textFrame } from './text-frames.js';
import { takesRawFrames } from './internals/ws-internals.js';

/**
 * Subscriptions delivered straight to the socket, with the selection executed and serialized once per
 * event for every subscriber that shares the document and variables, and framed without going through
 * ws's send (text-frames.ts).
 *
 * Stock graphql-ws executes the selection, stringifies the result and writes the socket once per
 * subscriber per event; in a busy room that GraphQL work dominates. Here each subscriber still pulls
 * from its own room stream (which owns replay, gaps, ordering and access), but the payload of a live
 * event is computed by the first subscriber of a group and reused by the rest; per subscriber only the
 * envelope with its operation id is added. The iterator handed to graphql-ws never yields: it ends when
 * the stream ends, and graphql-ws then sends `complete`, after every frame written here.
 */

// graphql-js executes a subscription document's selection like a query when given the event as root
// value (as its own subscribe does per event). yoga's enveloped execute would start a new subscription.
const execute = (args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> => graphqlExecute(args);

/** Payloads (UTF-8, ready to frame) by event object (shared by every local subscriber of a room) and then by group. */
const payloadCache = new WeakMap<object, Map<string, Buffer>>();

const FRAME_END = Buffer.from('}');

// Bytes that live as long as a subscription, in memory of their own: a small Buffer.from() is a slice of
// Node's shared 8 KiB pool, and one long-lived slice keeps its whole slab, with every short-lived frame
// that was cut from it, alive.
const ownedBytes = (text: string): Buffer => {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
};

// The class graphql-ws's sockets are created with (server-socket.ts) writes frames built here. A socket
// that negotiated an extension (none is offered today) is written through ws's send, which applies it.
const frameWriterOf = (socket: WebSocket): FrameWriter | undefined =>
  takesRawFrames(socket) && 'writeFrame' in socket ? (socket as WebSocket & FrameWriter) : undefined;

// Live events reach every local subscriber of a room as one object, which lives only as long as the
// event is being delivered: keyed by it, the cache holds each payload for exactly that long (a stored
// message record would keep its payloads for the life of the log).
const sharedIdentity = (item: unknown): object | undefined => {
  if (typeof item !== 'object' || item === null) return undefined;
  return (item as { kind?: unknown }).kind === 'error' ? undefined : item;
};

/** Told when a subscription starts and ends, and of each frame it writes (metrics): a plain count per frame. */
export interface SubscriptionMeter {
  opened(field: string): void;
  closed(field: string): void;
  readonly frames: { count: number };
}

export interface DirectSubscription {
  args: ExecutionArgs;
  /** The subscribed root field, for the meter. */
  field: string;
  meter: SubscriptionMeter;
  socket: WebSocket;
  /** The TCP socket under `socket`: frames written to it in one tick are coalesced. */
  transport: Socket;
  operationId: string;
  /** Selections sharing this key produce identical payloads for the same event. */
  groupKey: string;
  /** Unexpected errors carry their original error and stack (config.exposeInternals, as yoga's masking). */
  exposeInternals: boolean;
}

export const subscribeDirect = async (subscription: DirectSubscription): Promise<AsyncIterableIterator<never> | ExecutionResult> => {
  const source = await createSourceEventStream(subscription.args);
  if (!isAsyncIterable(source)) return applyErrorPolicy(source, subscription.exposeInternals);
  return new DirectStream(source[Symbol.asyncIterator](), subscription);
};

type LiveSinkTarget = Partial<Record<typeof attachLiveSink, (sink: LiveSink) => void>>;
type IdleTarget = Partial<Record<typeof whenIdle, () => Promise<void>>>;

/** What shutdown waits on before it closes a socket (graphql-ws holds each as a subscription of the socket). */
export interface SettlingStream {
  settled(): Promise<void>;
}

export const isSettlingStream = (value: unknown): value is SettlingStream =>
  value instanceof DirectStream;

/**
 * One subscription's delivery, as the iterator graphql-ws holds. A class rather than a closure per step:
 * every subscriber holds one, and methods on the prototype cost nothing per subscriber where closures
 * cost a function object each (about 700 bytes per subscription in a heap snapshot).
 */
class DirectStream extends ClosingIterator<never> implements SettlingStream {
  private finished = false;
  private readonly prefix: Buffer;
  private readonly writer: FrameWriter | undefined;
  private readonly frames: { count: number };

  constructor(
    private readonly events: AsyncIterator<unknown>,
    private readonly subscription: DirectSubscription,
  ) {
    super();
    this.prefix = ownedBytes(`{"id":${JSON.stringify(subscription.operationId)},"type":"next","payload":`);
    this.writer = frameWriterOf(subscription.socket);
    this.frames = subscription.meter.frames;
    subscription.meter.opened(subscription.field);
    // Room streams (and the timer and key streams over them) accept a live sink; other sources are pulled.
    (events as LiveSinkTarget)[attachLiveSink]?.call(events, (item) => this.deliverLive(item));
  }

  /**
   * Resolves once every event the room stream had received by now has been written to the socket: the
   * room stream is idle only when this stream waits on it again, after writing what it took. Sources
   * that cannot tell count as settled.
   */
  settled(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return (this.events as IdleTarget)[whenIdle]?.call(this.events) ?? Promise.resolve();
  }

  /** Never yields: frames are written here, and the iterator ends when the stream does. */
  async next(): Promise<IteratorResult<never, undefined>> {
    if (!this.finished) {
      try {
        await this.drive();
      } finally {
        await this.close();
      }
    }
    return { done: true, value: undefined };
  }

  /**
   * A live item, synchronously: from the cache, or executed now when every resolver on the way is
   * synchronous (as ours are); otherwise false, and the stream queues the item for `drive`.
   */
  private deliverLive(item: unknown): boolean {
    if (this.finished) return false;
    let payload = this.cachedPayload(item);
    if (payload === undefined) {
      const result = execute({ ...this.subscription.args, rootValue: item });
      if (result instanceof Promise) return false;
      payload = this.serialize(item, result);
    }
    this.send(payload);
    return true;
  }

  // Queued events (a replay, a burst the live path could not take) are written back to back, coalesced,
  // and at the reader's pace.
  private async drive(): Promise<void> {
    const { events } = this;
    const { socket, transport } = this.subscription;
    for (let next = await events.next(); !next.done && !this.finished; next = await events.next()) {
      const payload = await this.payloadFor(next.value);
      if (this.finished || socket.readyState !== socket.OPEN) break;
      writeCoalesced(transport, () => this.send(payload));
      await whenFlushed(transport);
    }
  }

  // Each delivery adds only the envelope with this subscription's id around the shared payload bytes.
  private send(payload: Buffer): void {
    const { socket, transport } = this.subscription;
    if (socket.readyState !== socket.OPEN) return;
    this.frames.count += 1;
    if (this.writer) this.writer.writeFrame(transport, textFrame([this.prefix, payload, FRAME_END]));
    else socket.send(Buffer.concat([this.prefix, payload, FRAME_END]), { binary: false });
  }

  private async payloadFor(item: unknown): Promise<Buffer> {
    return this.cachedPayload(item) ?? this.serialize(item, await execute({ ...this.subscription.args, rootValue: item }));
  }

  private cachedPayload(item: unknown): Buffer | undefined {
    const identity = sharedIdentity(item);
    return identity ? payloadCache.get(identity)?.get(this.subscription.groupKey) : undefined;
  }

  private serialize(item: unknown, result: ExecutionResult): Buffer {
    const masked = applyErrorPolicy(result, this.subscription.exposeInternals);
    const payload = Buffer.from(JSON.stringify(masked));
    const identity = sharedIdentity(item);
    // Only clean results are shared; an error may depend on who asked.
    if (identity && !masked.errors) {
      let byGroup = payloadCache.get(identity);
      if (!byGroup) payloadCache.set(identity, (byGroup = new Map()));
      byGroup.set(this.subscription.groupKey, payload);
    }
    return payload;
  }

  // Idempotent: graphql-ws may return() while next() is still finishing.
  protected async close(): Promise<void> {
    if (!this.finished) this.subscription.meter.closed(this.subscription.field);
    this.finished = true;
    await this.events.return?.();
  }
}
