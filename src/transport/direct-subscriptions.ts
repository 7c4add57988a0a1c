import { createSourceEventStream, execute as graphqlExecute, GraphQLError, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { maskError } from 'graphql-yoga';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { ErrorCode } from '../errors/index.js';
import { attachLiveSink, type LiveSink } from '../services/room-stream.js';
import { isAsyncIterable } from '../lib/is-async-iterable.js';
import { pullIterator } from '../lib/pull-iterator.js';
import { whenFlushed, writeCoalesced } from './coalesced-writes.js';
import type { FrameWriter } from './server-socket.js';
import { textFrame } from './text-frames.js';

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
  socket.extensions === '' && 'writeFrame' in socket ? (socket as WebSocket & FrameWriter) : undefined;

// Live events reach every local subscriber of a room as one object, which lives only as long as the
// event is being delivered: keyed by it, the cache holds each payload for exactly that long (a stored
// message record would keep its payloads for the life of the log).
const sharedIdentity = (item: unknown): object | undefined => {
  if (typeof item !== 'object' || item === null) return undefined;
  return (item as { kind?: unknown }).kind === 'error' ? undefined : item;
};

// yoga's maskError is typed to return Error; given a GraphQLError it returns a GraphQLError.
const mask = (error: GraphQLError): GraphQLError => maskError(error, 'Unexpected error.') as GraphQLError;

// Per-event errors from resolvers: ours carry a code and pass; anything else is masked, as yoga does.
const maskResult = (result: ExecutionResult): ExecutionResult =>
  result.errors ? { ...result, errors: result.errors.map((error) => (typeof error.extensions['code'] === 'string' ? error : mask(error))) } : result;

const codeRequestErrors = (result: ExecutionResult): ExecutionResult => ({
  ...result,
  errors: result.errors?.map((error) => {
    if (typeof error.extensions['code'] === 'string') return error;
    const original = error.originalError;
    // A resolver's unexpected failure is masked; anything else here is GraphQL rejecting the variables.
    if (original && !(original instanceof GraphQLError)) return mask(error);
    return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: ErrorCode.BadUserInput } });
  }),
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
  socket: WebSocket;
  /** The TCP socket under `socket`: frames written to it in one tick are coalesced. */
  transport: Socket;
  operationId: string;
  /** Selections sharing this key produce identical payloads for the same event. */
  groupKey: string;
}

export const subscribeDirect = async (subscription: DirectSubscription): Promise<AsyncIterableIterator<never> | ExecutionResult> => {
  const source = await createSourceEventStream(subscription.args);
  if (!isAsyncIterable(source)) return codeRequestErrors(source);
  const events = source[Symbol.asyncIterator]();
  const { socket, transport, operationId, groupKey, args, field, meter } = subscription;
  const prefix = ownedBytes(`{"id":${JSON.stringify(operationId)},"type":"next","payload":`);
  const frames = meter.frames;
  const writer = frameWriterOf(socket);
  // Each delivery adds only the envelope with this subscription's id around the shared payload bytes.
  const send = (payload: Buffer): void => {
    if (socket.readyState !== socket.OPEN) return;
    frames.count += 1;
    if (writer) writer.writeFrame(transport, textFrame([prefix, payload, FRAME_END]));
    else socket.send(Buffer.concat([prefix, payload, FRAME_END]), { binary: false });
  };
  // Queued events (a replay, a burst the sink could not take) are written back to back: coalesced.
  const sendQueued = (payload: Buffer): void => writeCoalesced(transport, () => send(payload));
  meter.opened(field);

  const serialize = (item: unknown, result: ExecutionResult): Buffer => {
    const masked = maskResult(result);
    const payload = Buffer.from(JSON.stringify(masked));
    const identity = sharedIdentity(item);
    // Only clean results are shared; an error may depend on who asked.
    if (identity && !masked.errors) {
      let byGroup = payloadCache.get(identity);
      if (!byGroup) payloadCache.set(identity, (byGroup = new Map()));
      byGroup.set(groupKey, payload);
    }
    return payload;
  };
  const cachedPayload = (item: unknown): Buffer | undefined => {
    const identity = sharedIdentity(item);
    return identity ? payloadCache.get(identity)?.get(groupKey) : undefined;
  };
  const payloadFor = async (item: unknown): Promise<Buffer> => cachedPayload(item) ?? serialize(item, await execute({ ...args, rootValue: item }));

  // Live items, synchronously: from the cache, or executed now when every resolver on the way is
  // synchronous (as ours are); otherwise the stream queues the item for the loop below.
  const sink: LiveSink = (item) => {
    if (finished) return false;
    let payload = cachedPayload(item);
    if (payload === undefined) {
      const result = execute({ ...args, rootValue: item });
      if (result instanceof Promise) return false;
      payload = serialize(item, result);
    }
    send(payload);
    return true;
  };
  // Room streams accept a live sink; other subscription sources (timer streams) do not, and are pulled.
  const attach = (events as Partial<Record<typeof attachLiveSink, (sink: LiveSink) => void>>)[attachLiveSink];
  attach?.call(events, sink);

  let finished = false;
  const drive = async (): Promise<void> => {
    for (let next = await events.next(); !next.done && !finished; next = await events.next()) {
      const payload = await payloadFor(next.value);
      if (finished || socket.readyState !== socket.OPEN) break;
      sendQueued(payload);
      await whenFlushed(transport);
    }
  };

  const close = async () => {
    if (!finished) meter.closed(field);
    finished = true;
    await events.return?.();
  };
  return pullIterator<never>(async () => {
    if (!finished) {
      try {
        await drive();
      } finally {
        await close();
      }
    }
    return { done: true, value: undefined };
  }, close);
};
