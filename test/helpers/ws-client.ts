// A real graphql-ws client for tests, with each subscription's payloads collected for bounded waits.
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { codeOf } from './error-code.js';
import { waitFor } from './wait-for.js';

export interface LiveSubscription<T> {
  /** `data` of each `next` payload, in arrival order. */
  readonly items: T[];
  /** Every `next` payload (data and errors). */
  readonly payloads: FormattedExecutionResult<T, unknown>[];
  readonly errors: unknown[];
  /** Every `extensions.code`: from `next` payloads, then from an `error` message's GraphQL errors. */
  errorCodes(): unknown[];
  completed(): boolean;
  /** Resolves once `count` data items have arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<T[]>;
  waitForComplete(timeoutMs?: number): Promise<void>;
  unsubscribe(): void;
}

export interface TestWsClient {
  client: Client;
  /** The underlying socket, once connected (for tests that misbehave on purpose). */
  socket(): WebSocket | undefined;
  closeCodes: number[];
  subscribe<T>(query: string, variables?: Record<string, unknown>): LiveSubscription<T>;
  dispose(): Promise<void>;
}

/** `ws` sending an Origin header, as a browser page on `origin` would. */
const webSocketFrom = (origin: string): unknown =>
  class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { origin });
    }
  };

export const connectWs = (wsUrl: string, token: string | undefined, options: { lazy?: boolean; origin?: string } = {}): TestWsClient => {
  const closeCodes: number[] = [];
  let current: WebSocket | undefined;
  const client = createClient({
    url: wsUrl,
    webSocketImpl: options.origin === undefined ? WebSocket : webSocketFrom(options.origin),
    retryAttempts: 0,
    lazy: options.lazy ?? true,
    onNonLazyError: () => undefined,
    connectionParams: token === undefined ? {} : { authorization: `Bearer ${token}` },
    on: {
      connected: (socket) => {
        current = socket as WebSocket; // webSocketImpl is ws, so the socket is a ws WebSocket
      },
      closed: (event) => {
        closeCodes.push((event as { code: number }).code);
      },
    },
  });
  return {
    client,
    socket: () => current,
    closeCodes,
    subscribe<T>(query: string, variables: Record<string, unknown> = {}): LiveSubscription<T> {
      const items: T[] = [];
      const payloads: FormattedExecutionResult<T, unknown>[] = [];
      const errors: unknown[] = [];
      let complete = false;
      const unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (payload) => {
            payloads.push(payload);
            if (payload.data) items.push(payload.data);
          },
          error: (error) => {
            errors.push(error);
            complete = true;
          },
          complete: () => {
            complete = true;
          },
        },
      );
      return {
        items,
        payloads,
        errors,
        errorCodes: () => [
          ...payloads.flatMap((payload) => payload.errors?.map(codeOf) ?? []),
          // graphql-ws hands an `error` message's GraphQL errors to the sink as an array; a CloseEvent is not one.
          ...errors.flatMap((error) => (Array.isArray(error) ? error.map(codeOf) : [])),
        ],
        completed: () => complete,
        waitForCount: async (count, timeoutMs = 5_000) => {
          await waitFor(() => items.length >= count, { timeoutMs, what: () => `${count} items (have ${items.length}; last payloads ${JSON.stringify(payloads.slice(-3))})` });
          return items;
        },
        waitForComplete: async (timeoutMs = 5_000) => {
          await waitFor(() => complete, { timeoutMs, what: 'the subscription to complete' });
        },
        unsubscribe,
      };
    },
    dispose: () => client.dispose() as Promise<void>,
  };
};
