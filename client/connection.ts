// One graphql-ws socket per client, with its state as an observable status. graphql-ws does the
// reconnecting (and resubscribes every live operation on the new socket); this module decides how long to
// wait (capped exponential backoff with jitter, cut short when the browser comes back online), when a
// socket is dead (a ping unanswered in time, or the browser going offline), and when to give up (a
// refused token: retrying the same token cannot help).
import { createClient, type Client as WsClient } from 'graphql-ws';
import { CloseCode } from '../src/protocol/index.js';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { ClientClock } from './client-clock.js';
import { fromSubscriptionError, type RoomcastClientError } from './errors.js';
import type { NetworkEvents } from './network-events.js';
import { createValue, type ObservableValue } from './observable-value.js';

/**
 * `connecting`: the first socket is being opened. `connected`: acknowledged by the server.
 * `reconnecting`: a socket that was (or was being) used dropped and a retry is pending or under way.
 * `disconnected`: closed for good (disposed, out of retries, or the token was refused; see `failure`).
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectionOptions {
  /** ws:// or wss:// URL of /graphql. */
  url: string;
  /** The bearer token (without `Bearer `), read at every (re)connect: `refreshAuth` changes it. */
  token: () => string;
  /** A WebSocket constructor where there is no global one (Node 20: the `ws` package). */
  webSocketImpl?: unknown;
  /** Reconnect attempts after a drop before giving up; Infinity never gives up. */
  retryAttempts: number;
  backoff: BackoffOptions;
  /** How often to ping the server; a ping without a pong within `pongTimeoutMs` terminates the socket. */
  keepAliveMs: number;
  pongTimeoutMs: number;
  clock: ClientClock;
  network: NetworkEvents | undefined;
}

export interface Connection {
  readonly ws: WsClient;
  readonly status: ObservableValue<ConnectionStatus>;
  /** Why the connection is `disconnected` for good, when it was not disposed on purpose. */
  readonly failure: ObservableValue<RoomcastClientError | null>;
  /** Called after every reconnect, once the new socket is acknowledged and before operations resubscribe. */
  onReconnected(listener: () => void): () => void;
  /** A retry delay: `ms`, or until the browser reports it is back online, whichever comes first. */
  pause(ms: number): Promise<void>;
  dispose(): Promise<void>;
}

// A server that accepted the socket but never acknowledges connection_init is as good as down.
const ACK_TIMEOUT_MS = 10_000;
// dispose() waits for a socket still being opened; an unreachable server must not hold it up.
const DISPOSE_TIMEOUT_MS = 2_000;

const closeCodeOf = (value: unknown): number | undefined =>
  typeof value === 'object' && value !== null && 'code' in value && typeof value.code === 'number' ? value.code : undefined;

export const createConnection = (options: ConnectionOptions): Connection => {
  const status = createValue<ConnectionStatus>('connecting');
  const failure = createValue<RoomcastClientError | null>(null);
  const reconnectedListeners = new Set<() => void>();
  const wakers = new Set<() => void>();
  let everConnected = false;
  let disposed = false;
  let cancelPongTimeout: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        cancel();
        wakers.delete(wake);
        resolve();
      };
      const cancel = options.clock.setTimeout(wake, ms);
      wakers.add(wake);
    });

  const ws = createClient({
    url: options.url,
    connectionParams: () => ({ authorization: `Bearer ${options.token()}` }),
    // The status is about the socket, so keep one open even while no operation is running.
    lazy: false,
    retryAttempts: options.retryAttempts,
    retryWait: (retries) => pause(backoffDelayMs(retries, options.backoff)),
    shouldRetry: (errOrCloseEvent) => closeCodeOf(errOrCloseEvent) !== CloseCode.Forbidden,
    keepAlive: options.keepAliveMs,
    connectionAckWaitTimeout: ACK_TIMEOUT_MS,
    onNonLazyError: (error) => {
      if (disposed) return;
      failure.set(fromSubscriptionError(error));
      status.set('disconnected');
    },
    on: {
      connecting: () => status.set(everConnected ? 'reconnecting' : 'connecting'),
      connected: () => {
        const reconnect = everConnected;
        everConnected = true;
        status.set('connected');
        if (reconnect) for (const listener of [...reconnectedListeners]) listener();
      },
      closed: () => {
        cancelPongTimeout?.();
        if (disposed) status.set('disconnected');
        else if (status.get() !== 'disconnected') status.set(everConnected ? 'reconnecting' : 'connecting');
      },
      // graphql-ws only sends pings; a socket whose peer vanished without a FIN would look open until TCP
      // gives up, so an unanswered ping ends it here.
      ping: (received) => {
        if (received) return;
        cancelPongTimeout?.();
        cancelPongTimeout = options.clock.setTimeout(() => ws.terminate(), options.pongTimeoutMs);
      },
      pong: (received) => {
        if (received) cancelPongTimeout?.();
      },
    },
    ...(options.webSocketImpl === undefined ? {} : { webSocketImpl: options.webSocketImpl }),
  });

  const unlistenNetwork = [
    options.network?.onOffline(() => ws.terminate()),
    options.network?.onOnline(() => {
      for (const wake of [...wakers]) wake();
    }),
  ];

  return {
    ws,
    status,
    failure,
    onReconnected(listener) {
      reconnectedListeners.add(listener);
      return () => reconnectedListeners.delete(listener);
    },
    pause,
    async dispose() {
      disposed = true;
      for (const unlisten of unlistenNetwork) unlisten?.();
      for (const wake of [...wakers]) wake();
      cancelPongTimeout?.();
      let cancelTimeout: (() => void) | undefined;
      const timedOut = new Promise<void>((resolve) => {
        cancelTimeout = options.clock.setTimeout(resolve, DISPOSE_TIMEOUT_MS);
      });
      // A socket that fails while closing has still been let go of.
      await Promise.race([Promise.resolve(ws.dispose()).catch(() => undefined), timedOut]);
      cancelTimeout?.();
      status.set('disconnected');
    },
  };
};
