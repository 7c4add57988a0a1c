import { createSourceEventStream, execute as graphqlExecute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { applyErrorPolicy } from '../errors/graphql-errors.js';
import { isLiveSource, type LiveSource } from '../services/room-stream.js';
import { isAsyncIterable } from '../lib/is-async-iterable.js';
import { ClosingIterator } from '../lib/pull-iterator.js';
import { type BroadcastGroup, type BroadcastGroups, type BroadcastMember, type Rendered } from './broadcast/broadcast-groups.js';
import { whenFlushed, writeCoalesced } from './coalesced-writes.js';
import type { ServerSocket } from './server-socket.js';
import { textFrame } from './text-frames.js';
import { takesRawFrames } from './internals/ws-internals.js';

/**
 * Subscriptions delivered straight to the socket, each a member of a broadcast group (subscribers with
 * the same document and variables: broadcast/broadcast-groups.ts), and framed without going through
 * ws's send (text-frames.ts).
 *
 * Stock graphql-ws executes the selection, stringifies the result and writes the socket once per
 * subscriber per event; in a busy room that GraphQL work dominates. Here each subscriber still pulls
 * from its own room stream (which owns replay, gaps, ordering and access), but a live event its stream
 * finds in order goes to its group, which executes and encodes it once and writes it to every member
 * that took it; per subscriber only the envelope with its operation id is added. The iterator handed to
 * graphql-ws never yields: it ends when the stream ends, and graphql-ws then sends `complete`, after
 * every frame written here.
 */

// graphql-js executes a subscription document's selection like a query when given the event as root
// value (as its own subscribe does per event). yoga's enveloped execute would start a new subscription.
const execute = (args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> => graphqlExecute(args);

const FRAME_END = Buffer.from('}');

// Bytes that live as long as a subscription, in memory of their own: a small Buffer.from() is a slice of
// Node's shared 8 KiB pool, and one long-lived slice keeps its whole slab, with every short-lived frame
// that was cut from it, alive.
const ownedBytes = (text: string): Buffer => {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
};

// Stream error items are objects too, but never reach a group: only live events do.
const isEvent = (item: unknown): item is object => typeof item === 'object' && item !== null && (item as { kind?: unknown }).kind !== 'error';

// Execution reports resolver failures as errors in its result; anything thrown past it (a bug) is made
// one too, so that a group's drain never throws.
const failure = (error: unknown): ExecutionResult => ({
  errors: [error instanceof GraphQLError ? error : new GraphQLError(error instanceof Error ? error.message : String(error), { originalError: error instanceof Error ? error : undefined })],
});

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
  socket: ServerSocket;
  /** The TCP socket under `socket`: frames written to it in one tick are coalesced. */
  transport: Socket;
  operationId: string;
  /** Selections sharing this key produce identical payloads for the same event. */
  groupKey: string;
  /** Unexpected errors carry their original error and stack (config.exposeInternals, as yoga's masking). */
  exposeInternals: boolean;
  /** The registry this subscription's group is in: one per server, so that a group never spans two. */
  groups: BroadcastGroups;
}

export const subscribeDirect = async (subscription: DirectSubscription): Promise<AsyncIterableIterator<never> | ExecutionResult> => {
  const source = await createSourceEventStream(subscription.args);
  if (!isAsyncIterable(source)) return applyErrorPolicy(source, subscription.exposeInternals);
  return new DirectStream(source[Symbol.asyncIterator](), subscription);
};

/** What shutdown waits on before it closes a socket (graphql-ws holds each as a subscription of the socket). */
export interface SettlingStream {
  settled(): Promise<void>;
}

export const isSettlingStream = (value: unknown): value is SettlingStream =>
  value instanceof DirectStream;

/**
 * One subscription's delivery, as the iterator graphql-ws holds, and its membership of a broadcast group.
 * A class rather than a closure per step: every subscriber holds one, and methods on the prototype cost
 * nothing per subscriber where closures cost a function object each (about 700 bytes per subscription in
 * a heap snapshot).
 */
class DirectStream extends ClosingIterator<never> implements SettlingStream, BroadcastMember {
  private finished = false;
  private readonly prefix: Buffer;
  /** Frames built here are written beneath ws; a socket that negotiated an extension (none is offered today) through ws, which applies it. */
  private readonly rawFrames: boolean;
  private readonly frames: { count: number };
  private readonly live: LiveSource | undefined;
  private readonly group: BroadcastGroup;

  constructor(
    private readonly events: AsyncIterator<unknown>,
    private readonly subscription: DirectSubscription,
  ) {
    super();
    this.prefix = ownedBytes(`{"id":${JSON.stringify(subscription.operationId)},"type":"next","payload":`);
    this.rawFrames = takesRawFrames(subscription.socket);
    this.frames = subscription.meter.frames;
    this.group = subscription.groups.join(subscription.groupKey, this);
    subscription.meter.opened(subscription.field);
    // Room streams (and the timer and key streams over them) hand in-order live events to the group;
    // other sources are pulled.
    this.live = isLiveSource(events) ? events : undefined;
    this.live?.attachLive((item) => this.takeLive(item));
  }

  /**
   * Resolves once every event the room stream had received by now has been written to the socket: the
   * room stream is idle only when this stream waits on it again, after writing what it took, and what it
   * handed to the group is written when the group drains. Sources that cannot tell count as settled.
   */
  async settled(): Promise<void> {
    if (this.finished) return;
    await this.live?.whenIdle();
    await this.group.whenWritten();
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

  // Called inside the bus's listener: only enqueues. The group writes it once the listener has returned.
  private takeLive(item: object): boolean {
    if (this.finished) return false;
    this.group.take(this, item);
    return true;
  }

  render(event: object): Rendered | Promise<Rendered> {
    // Never throws: whatever fails in executing or encoding is this member's error result.
    try {
      const result = execute({ ...this.subscription.args, rootValue: event });
      return result instanceof Promise ? result.then((settled) => this.encode(settled)).catch((error: unknown) => this.encode(failure(error))) : this.encode(result);
    } catch (error) {
      return this.encode(failure(error));
    }
  }

  deliver(payload: Buffer): void {
    if (!this.finished) this.send(payload);
  }

  // Queued events (a replay, a burst the live path could not take) are written back to back, coalesced,
  // and at the reader's pace, after whatever this subscriber handed its group earlier.
  private async drive(): Promise<void> {
    const { events } = this;
    const { socket, transport } = this.subscription;
    for (let next = await events.next(); !next.done && !this.finished; next = await events.next()) {
      const payload = await this.payloadFor(next.value);
      const written = this.group.whenWritten();
      if (written) await written;
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
    if (this.rawFrames) socket.writeFrame(transport, textFrame([this.prefix, payload, FRAME_END]));
    else socket.sendText(Buffer.concat([this.prefix, payload, FRAME_END]));
  }

  // A queued live event its group has just executed for the others is not executed again.
  private async payloadFor(item: unknown): Promise<Buffer> {
    const shared = isEvent(item) ? this.group.recent(item) : undefined;
    if (shared) return shared;
    return (await this.render(item as object)).payload;
  }

  private encode(result: ExecutionResult): Rendered {
    const masked = applyErrorPolicy(result, this.subscription.exposeInternals);
    // Only clean results are shared; an error may depend on who asked.
    return { payload: Buffer.from(JSON.stringify(masked)), shareable: !masked.errors };
  }

  // Idempotent: graphql-ws may return() while next() is still finishing.
  protected async close(): Promise<void> {
    if (!this.finished) {
      this.subscription.meter.closed(this.subscription.field);
      this.group.leave(this);
    }
    this.finished = true;
    await this.events.return?.();
  }
}
