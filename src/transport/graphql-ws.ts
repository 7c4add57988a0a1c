import type { Server as HttpServer } from 'node:http';
import { makeServer } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { TokenVerifier } from '../auth/jwt.js';
import type { Clock } from '../lib/clock.js';
import { GRAPHQL_PATH, type RoomcastYoga } from './yoga.js';
import type { Context } from '../resolvers/context.js';
import type { InitialContext } from './create-context.js';
import { isSettlingStream, type SubscriptionMeter } from './direct-subscriptions.js';
import { createKeepalive } from './keepalive.js';
import type { Metrics } from '../observability/metrics.js';
import { createSocketOperations, drainSockets } from './ws-drain.js';
import type { UserConnectionSlots } from './connection-limits.js';
import type { VerifyUpgrade } from './upgrade-guard.js';
import { createServerSocketClass } from './server-socket.js';
import { createBroadcastGroups } from './broadcast/broadcast-groups.js';
import { refusalOf } from './client-message-guard.js';
import type { SlowConsumerEvent } from './slow-consumer.js';
import { WsConnection, type WsContext } from './ws/connection.js';
import { createConnectionLifecycle } from './ws/lifecycle.js';
import { createOperationRouter } from './ws/operations.js';
import { serveSocket } from './ws/socket-adapter.js';
import { acceptUpgrades } from './ws/upgrades.js';

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

// What graphql-ws itself does to every operation of a socket when it closes (`return()` each one; ours
// are idempotent, so its own call at the close is harmless).
const endOperations = (operations: Record<string, unknown>): void => {
  for (const operation of Object.values(operations)) {
    if (typeof operation === 'object' && operation !== null && 'return' in operation && typeof operation.return === 'function') {
      void Promise.resolve(Reflect.apply(operation.return, operation, [undefined])).catch(() => undefined);
    }
  }
};

/**
 * graphql-ws (`graphql-transport-ws`) on the same port and path as HTTP: upgrades accepted here
 * (ws/upgrades.ts), each socket run by graphql-ws's `makeServer` through our adapter (ws/socket-adapter.ts),
 * its `connection_init` and close handled by ws/lifecycle.ts and its operations routed by ws/operations.ts:
 * queries and mutations through yoga's envelop, subscriptions by the direct path.
 */
export const attachGraphqlWs = (deps: GraphqlWsDeps): GraphqlWsTransport => {
  const { logger, clock, exposeInternals, limits, metrics } = deps;
  // Each accepted socket's record, for what has to reach its operations from outside.
  const connections = new WeakMap<WebSocket, WsConnection>();
  const ServerSocket = createServerSocketClass({
    maxBufferedBytes: deps.maxSocketBufferBytes,
    onSlowConsumer: (event, socket) => {
      deps.onSlowConsumer(event);
      // The socket stays open for its close frame (closeTimeoutMs) but nothing more is written to it: its
      // subscriptions end now, giving back their room streams and the user's presence at once.
      const session = connections.get(socket)?.session;
      if (session) endOperations(session.protocol.subscriptions);
    },
  });
  const operations = createSocketOperations();
  const lifecycle = createConnectionLifecycle({ verifier: deps.verifier, clock, logger, connectionSlots: deps.connectionSlots, metrics });
  const router = createOperationRouter({
    yoga: deps.yoga,
    context: deps.context,
    limits,
    operations,
    exposeInternals,
    groups: createBroadcastGroups(),
    meter: {
      opened: (field) => metrics.subscriptionOpened(field),
      closed: (field) => metrics.subscriptionClosed(field),
      frames: metrics.frames.ws,
    } satisfies SubscriptionMeter,
  });
  const protocol = makeServer<WsContext['connectionParams'], WsConnection>({
    execute: (args) => router.execute(args),
    subscribe: (args) => router.subscribe(args),
    onConnect: (ctx) => lifecycle.connect(ctx),
    onClose: (ctx, code, reason) => lifecycle.close(ctx, code, reason),
    onSubscribe: (ctx, id, payload) => router.onSubscribe(ctx, id, payload),
    // No `complete` follows when the client completed the operation itself: it has ended now. Otherwise
    // it ends when its `complete` goes out (operations.sent).
    onComplete: (ctx, id) => {
      if (!(id in ctx.subscriptions)) operations.end(ctx.extra.socket, id);
    },
    onError: (_ctx, _id, _payload, errors) => {
      logger.debug({ errors: errors.map((error) => error.message) }, 'graphql-ws operation error');
    },
  });
  // graphql-ws's per-socket keepalive is not used: this one pings in slices from one timer.
  const keepalive = createKeepalive({ intervalMs: deps.keepAliveMs, clock });
  const upgrades = acceptUpgrades({
    httpServer: deps.httpServer,
    path: GRAPHQL_PATH,
    maxPayloadBytes: deps.maxPayloadBytes,
    // `closeTimeout` bounds how long a closing socket may wait for its peer: a slow consumer's close frame
    // is queued behind its full buffer, and a reader that resumes within it still learns why it was cut
    // (4008, not 1006).
    closeTimeoutMs: deps.closeTimeoutMs,
    verifyUpgrade: deps.verifyUpgrade,
    WebSocket: ServerSocket,
    onSocket: (socket, transport) => {
      keepalive.watch(socket);
      const connection = new WsConnection(socket, transport);
      connections.set(socket, connection);
      serveSocket(protocol, socket, connection, {
        onSent: (frame) => operations.sent(socket, frame),
        // An operation that throws while being set up (its context) closes the socket with 4500; the close
        // reason is the error's message only when internals may be shown.
        onFault: (error) => logger.error({ err: error, connectionId: connection.id }, 'graphql-ws socket failed'),
        refusalOf: (text) => refusalOf(text, limits.maxVariablesDepth),
        onPeerProtocolError: (error) => logger.debug({ err: error }, 'graphql-ws peer broke the WebSocket protocol'),
        exposeInternals,
      });
    },
  });
  return {
    stopAccepting: () => upgrades.stop(),
    async operationsSettled() {
      await Promise.all([...upgrades.clients].map((socket) => operations.settled(socket)));
    },
    async close({ operationsDeadlineAt, closeDeadlineAt }) {
      upgrades.stop();
      const settled = async (socket: WebSocket) => {
        await operations.settled(socket);
        const running: Record<string, unknown> = connections.get(socket)?.session?.protocol.subscriptions ?? {};
        await Promise.all(Object.values(running).filter(isSettlingStream).map((stream) => stream.settled()));
      };
      await drainSockets({ sockets: upgrades.clients, settled, clock, operationsDeadlineAt, closeDeadlineAt });
      keepalive.stop();
    },
    connectionCount: () => upgrades.clients.size,
  };
};
