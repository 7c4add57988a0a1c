import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/jwt.js';
import type { Principal } from '../auth/principal.js';
import { ErrorCode } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { randomId } from '../lib/random-id.js';
import { GRAPHQL_PATH, type RoomcastYoga } from './yoga.js';
import type { Context } from '../resolvers/context.js';
import type { InitialContext } from './create-context.js';
import { isSettlingStream, subscribeDirect, type SubscriptionMeter } from './direct-subscriptions.js';
import { paramsDepthRefusal } from './params-depth.js';
import { createKeepalive } from './keepalive.js';
import type { Metrics } from '../observability/metrics.js';
import { operationInfo } from '../observability/operation-info.js';
import { createSocketOperations, drainSockets } from './ws-drain.js';
import { ConnectionIdentity } from './connection-identity.js';
import { admitSubscription, TOO_MANY_CONNECTIONS_CLOSE, type UserConnectionSlots } from './connection-limits.js';
import { transportOf, withCloseTimeout, withoutServerErrorForwarding } from './internals/ws-internals.js';
import type { VerifyUpgrade } from './upgrade-guard.js';
import { createServerSocketClass } from './server-socket.js';
import type { SlowConsumerEvent } from './slow-consumer.js';

/** What the server keeps per graphql-ws connection (graphql-ws's `ctx.extra`, extended). */
type ConnectionExtra = {
  identity: ConnectionIdentity;
  connectionId: string;
  /** Gives back this socket's slot in the user's MAX_CONNECTIONS_PER_USER; idempotent. */
  releaseConnection?: () => void;
  /** Ids of the subscription operations counted against MAX_SUBSCRIPTIONS_PER_CONNECTION. */
  subscriptionIds?: Set<string>;
  /** The TCP socket under the WebSocket, corked by coalesced writes. */
  transport: Socket;
  /** Counted in `roomcast_connections_open` (until onClose). */
  counted?: boolean;
};

interface EnvelopedRoot {
  execute?: (args: ExecutionArgs) => unknown;
  subscribe?: (args: ExecutionArgs) => unknown;
  /** Set for subscriptions: where and under which id their frames are written directly. */
  direct?: { socket: WebSocket; transport: Socket; operationId: string; groupKey: string; field: string };
}

export interface GraphqlWsDeps {
  httpServer: HttpServer;
  yoga: RoomcastYoga;
  verifier: TokenVerifier;
  logger: Logger;
  /** Reads the time a socket's token expires at, and schedules its close. */
  clock: Clock;
  maxPayloadBytes: number;
  /** Unsent bytes a socket may hold before it is closed as a slow consumer (MAX_SOCKET_BUFFER_BYTES). */
  maxSocketBufferBytes: number;
  /** A socket was cut off for not reading (it is logged and counted by the caller). */
  onSlowConsumer: (event: SlowConsumerEvent) => void;
  /**
   * How long a closing socket may wait for its peer (WS_CLOSE_TIMEOUT_MS): a close frame queued behind a
   * full buffer reaches a stalled reader only once it reads again, which may be long after the cut.
   */
  closeTimeoutMs: number;
  /** Our context factory, for subscriptions: they keep a lean context for their whole life. */
  context: (initial: InitialContext) => Promise<Context>;
  /**
   * Interval of protocol-level pings. A socket that has not answered one by the next is terminated, so a
   * peer that vanished without a close frame is noticed within two intervals.
   */
  keepAliveMs: number;
  /** Unexpected errors of subscriptions carry internals: config.exposeInternals, the value yoga masks with. */
  exposeInternals: boolean;
  /** Origin and per-IP attempt checks, answered with an HTTP status before the socket is accepted. */
  verifyUpgrade: VerifyUpgrade;
  connectionSlots: UserConnectionSlots;
  limits: { maxSubscriptionsPerConnection: number; maxVariablesDepth: number };
  metrics: Pick<Metrics, 'connectionOpened' | 'connectionClosed' | 'subscriptionOpened' | 'subscriptionClosed' | 'frames'>;
}

export interface GraphqlWsTransport {
  /** Refuses upgrades from now on; open sockets carry on. */
  stopAccepting(): void;
  /** Resolves once no socket runs a query or mutation (each has written its `complete`) or it has closed. */
  operationsSettled(): Promise<void>;

  /**
   * Stops accepting; lets each socket's queries and mutations answer and its subscriptions write what
   * their room streams have received by then (until `operationsDeadlineAt`), then closes it with 1001
   * (going away), each socket on its own, so that one that does not read holds up only itself; resolves
   * once every socket is closed. Called after the bus has delivered what was published before the stop.
   */
  close(deadlines: { operationsDeadlineAt: number; closeDeadlineAt: number }): Promise<void>;
  connectionCount(): number;
}

/**
 * Subscribers whose operations have the same text and the same variables (but for `after`, which only
 * shapes the replay) get byte-identical payloads for an event, so one execution serves them all.
 */
const groupKeyOf = (payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }): string => {
  const { after: _after, ...variables } = payload.variables ?? {};
  return `${payload.operationName ?? ''}\n${JSON.stringify(variables)}\n${payload.query}`;
};

// A coded refusal from a parse hook (yoga's OPERATION_RESOLUTION_FAILURE, armor's token limit) keeps its code.
const parseFailure = (error: unknown): GraphQLError[] => {
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') return [error];
  const message = error instanceof Error ? error.message : 'Query could not be parsed';
  return [new GraphQLError(message, { extensions: { code: ErrorCode.GraphqlParseFailed } })];
};

// yoga's initial context names a fetch Request; socket operations are authenticated by `principal`
// instead, so one placeholder serves them all and no Request is built per operation. It is a POST: yoga
// refuses mutations on a GET request (a CSRF guard that means nothing on a socket).
const socketRequest = new Request(`http://graphql-ws.invalid${GRAPHQL_PATH}`, { method: 'POST' });

// What graphql-ws itself does to every operation of a socket when it closes (`return()` each one; ours
// are idempotent, so its own call at the close is harmless).
const endSubscriptions = (context: { subscriptions: Record<string, unknown> } | undefined): void => {
  for (const operation of Object.values(context?.subscriptions ?? {})) {
    if (typeof operation === 'object' && operation !== null && 'return' in operation && typeof operation.return === 'function') {
      void Promise.resolve(Reflect.apply(operation.return, operation, [undefined])).catch(() => undefined);
    }
  }
};

/**
 * graphql-ws (`graphql-transport-ws`) on the same port and path as HTTP, executed through yoga's envelop
 * so that both transports share plugins, limits, error masking and the context factory.
 */
export const attachGraphqlWs = (deps: GraphqlWsDeps): GraphqlWsTransport => {
  const { httpServer, yoga, verifier, logger, clock, maxPayloadBytes, keepAliveMs, exposeInternals, context, connectionSlots, limits, metrics } = deps;
  // Each accepted socket's graphql-ws context, for what has to reach its operations from outside.
  const contexts = new WeakMap<WebSocket, { subscriptions: Record<string, unknown> }>();
  const ServerSocket = createServerSocketClass({
    maxBufferedBytes: deps.maxSocketBufferBytes,
    onSlowConsumer: (event, socket) => {
      deps.onSlowConsumer(event);
      // The socket stays open for its close frame (closeTimeoutMs) but nothing more is written to it: its
      // subscriptions end now, giving back their room streams and the user's presence at once.
      endSubscriptions(contexts.get(socket));
    },
    onPeerProtocolError: (error) => logger.debug({ err: error }, 'graphql-ws peer broke the WebSocket protocol'),
    maxPayloadDepth: limits.maxVariablesDepth,
  });
  // `closeTimeout` bounds how long a closing socket may wait for its peer: a slow consumer's close frame is
  // queued behind its full buffer, and a reader that resumes within it still learns why it was cut (4008,
  // not 1006).
  const options = withCloseTimeout(
    { server: httpServer, path: GRAPHQL_PATH, maxPayload: maxPayloadBytes, verifyClient: deps.verifyUpgrade, WebSocket: ServerSocket },
    deps.closeTimeoutMs,
  );
  const wss = withoutServerErrorForwarding(httpServer, () => new WebSocketServer<typeof ServerSocket>(options));
  const operations = createSocketOperations();
  const meter: SubscriptionMeter = {
    opened: (field) => metrics.subscriptionOpened(field),
    closed: (field) => metrics.subscriptionClosed(field),
    frames: metrics.frames.ws,
  };
  // graphql-ws's per-socket keepalive is off (0 below): this one pings in slices from one timer.
  const keepalive = createKeepalive({ intervalMs: keepAliveMs, clock });
  wss.on('connection', (socket) => keepalive.watch(socket));
  let accepting = true;
  // Its dispose() is not used: close() below drains sockets first, then closes them with 1001 itself.
  useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      // An operation that throws while being set up (its context) closes the socket with 4500; the close
      // reason is the error's message only when internals may be shown. graphql-ws would otherwise decide
      // by process.env.NODE_ENV, and say it whenever NODE_ENV is not `production`.
      isProd: !exposeInternals,
      // rootValue is always an EnvelopedRoot, set in onSubscribe below.
      execute: (args) => (args.rootValue as EnvelopedRoot).execute?.(args) as never,
      subscribe: (args) => {
        const root = args.rootValue as EnvelopedRoot;
        if (!root.direct) return root.subscribe?.(args) as never;
        // Each event is executed with itself as root value.
        return subscribeDirect({ args: { ...args, rootValue: undefined }, ...root.direct, meter, exposeInternals }) as never;
      },
      // Returning false makes graphql-ws close the socket with 4403 Forbidden before any operation.
      onConnect: async (ctx) => {
        let principal: Principal;
        try {
          ctx.extra.connectionId = randomId('ws');
          principal = await verifier.verifyCredential(ctx.connectionParams?.['authorization']);
          ctx.extra.transport = transportOf(ctx.extra.request);
          // The upgrade request (headers, its own buffers) would otherwise live as long as the socket.
          // Overwritten, not deleted: a deleted property turns the object into a hash table (~450 bytes
          // more per connection in a heap snapshot of 2,000 subscribers).
          Reflect.set(ctx.extra, 'request', undefined);
        } catch {
          return false;
        }
        const { socket } = ctx.extra;
        const release = connectionSlots.take(principal.userId);
        if (!release) {
          logger.info({ userId: principal.userId, closeCode: TOO_MANY_CONNECTIONS_CLOSE }, 'websocket refused: too many connections for the user');
          // graphql-ws then closes with 4403, a no-op on a socket that is already closing.
          socket.close(TOO_MANY_CONNECTIONS_CLOSE, 'Too many connections for this user');
          return false;
        }
        ctx.extra.releaseConnection = release;
        contexts.set(socket, ctx);
        // Closes the socket with 4403 when the token expires, unless refreshAuth replaced it first.
        ctx.extra.identity = new ConnectionIdentity(socket, principal, verifier, clock);
        // Closed while the token was being checked: onClose may have run before there was a slot to give back.
        if (socket.readyState === socket.CLOSED) release();
        else {
          ctx.extra.counted = true;
          metrics.connectionOpened('ws');
        }
        logger.debug({ connectionId: ctx.extra.connectionId, userId: principal.userId }, 'ws connected');
        return true;
      },
      onClose: (ctx, code, reason) => {
        ctx.extra.releaseConnection?.();
        ctx.extra.identity?.close();
        const line = { connectionId: ctx.extra.connectionId, userId: ctx.extra.identity?.userId, code, reason };
        // Only sockets that were let in are counted (and worth an info line): refused ones are noise.
        if (!ctx.extra.counted) return logger.debug(line, 'ws closed');
        ctx.extra.counted = false;
        metrics.connectionClosed('ws');
        logger.info(line, 'ws closed');
      },
      onSubscribe: async (ctx, id, payload) => {
        // Both are set by onConnect, which runs before graphql-ws accepts any subscribe.
        const { identity, transport } = ctx.extra;
        // undefined once the token has expired: the socket is closing with 4403.
        const principal = identity?.current();
        if (!principal || !transport) return [new GraphQLError('Not authenticated', { extensions: { code: ErrorCode.Unauthenticated } })];
        // Before anything walks the variables: the grouping key stringifies them, used or not.
        const tooDeep = paramsDepthRefusal(payload, limits.maxVariablesDepth);
        if (tooDeep) return [tooDeep];
        const enveloped = yoga.getEnveloped({
          request: socketRequest,
          principal,
          connectionId: ctx.extra.connectionId,
          connection: identity,
          params: payload,
        });
        let document;
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          return parseFailure(error);
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors;
        const common = { schema: enveloped.schema, document, operationName: payload.operationName, variableValues: payload.variables };
        const info = operationInfo(document, payload.operationName);
        if (info.type === 'subscription') {
          const refusal = admitSubscription((ctx.extra.subscriptionIds ??= new Set()), ctx.subscriptions, id, limits.maxSubscriptionsPerConnection);
          if (refusal) return [refusal];
          // A subscription outlives this call: it keeps only what delivery needs, not yoga's per-request
          // state (its context and plugin instances), so that an idle subscriber stays small.
          const direct = { socket: ctx.extra.socket, transport, operationId: id, groupKey: groupKeyOf(payload), field: info.field ?? 'unknown' };
          const contextValue = await context({ request: socketRequest, principal, connectionId: ctx.extra.connectionId, connection: identity });
          return { ...common, contextValue, rootValue: { direct } satisfies EnvelopedRoot };
        }
        // Counted until its `complete` is written (onComplete below), so that shutdown lets it answer.
        operations.begin(ctx.extra.socket, id);
        const root: EnvelopedRoot = { execute: enveloped.execute, subscribe: enveloped.subscribe };
        return { ...common, contextValue: await enveloped.contextFactory(), rootValue: root };
      },
      onComplete: (ctx, id) => {
        operations.end(ctx.extra.socket, id);
      },
      onError: (_ctx, _id, _payload, errors) => {
        logger.debug({ errors: errors.map((error) => error.message) }, 'graphql-ws operation error');
      },
    },
    wss,
    0,
  );
  const stopAccepting = () => {
    if (!accepting) return;
    accepting = false;
    // Unhooks the upgrade listener from the HTTP server; the sockets already open are not touched.
    wss.close();
  };
  return {
    stopAccepting,
    async operationsSettled() {
      await Promise.all([...wss.clients].map((socket) => operations.settled(socket)));
    },
    async close({ operationsDeadlineAt, closeDeadlineAt }) {
      stopAccepting();
      const settled = async (socket: WebSocket) => {
        await operations.settled(socket);
        const streams = Object.values(contexts.get(socket)?.subscriptions ?? {}).filter(isSettlingStream);
        await Promise.all(streams.map((stream) => stream.settled()));
      };
      await drainSockets({ sockets: wss.clients, settled, clock, operationsDeadlineAt, closeDeadlineAt });
      keepalive.stop();
    },
    connectionCount: () => wss.clients.size,
  };
};
