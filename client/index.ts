// The typed Roomcast client: urql for queries and mutations over HTTP, graphql-ws for subscriptions,
// with documents and result types generated from the server's schema (client/generated/).
import { Client, fetchExchange, subscriptionExchange, type CombinedError } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { createRoomMutation, joinRoomMutation, leaveRoomMutation, roomsQuery } from './operations/rooms.js';
import {
  messageAddedSubscription,
  messagesQuery,
  roomEventsSubscription,
  sendMessageMutation,
} from './operations/messages.js';
import { viewerQuery } from './operations/viewer.js';

export * from './operations/messages.js';
export * from './operations/rooms.js';
export * from './operations/viewer.js';
export type * from './generated/graphql.js';

export interface RoomcastClientOptions {
  /** The HTTP endpoint, e.g. `http://127.0.0.1:4000/graphql`; the WebSocket URL is derived from it. */
  url: string;
  /** A bearer token (without the `Bearer ` prefix). */
  token: string;
  /** A WebSocket constructor where there is no global one (Node 20: `import WebSocket from 'ws'`). */
  webSocketImpl?: unknown;
  /** graphql-ws reconnect attempts after a drop (default 5). */
  retryAttempts?: number;
}

/** A GraphQL error answered by the server, with its stable `extensions.code`. */
export class RoomcastClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    override readonly cause?: CombinedError,
  ) {
    super(message);
    this.name = 'RoomcastClientError';
  }
}

const toClientError = (error: CombinedError): RoomcastClientError => {
  const first = error.graphQLErrors[0];
  const code = typeof first?.extensions['code'] === 'string' ? first.extensions['code'] : 'NETWORK_ERROR';
  return new RoomcastClientError(code, first?.message ?? error.message, error);
};

export type Message = ResultOf<typeof sendMessageMutation>['sendMessage'];
export type RoomEvent = ResultOf<typeof roomEventsSubscription>['roomEvents'];

export interface SubscriptionHandlers<T> {
  next(value: T): void;
  error?(error: RoomcastClientError): void;
  complete?(): void;
}

export interface RoomcastClient {
  readonly urql: Client;
  readonly ws: WsClient;
  viewer(): Promise<ResultOf<typeof viewerQuery>>;
  createRoom(input: VariablesOf<typeof createRoomMutation>['input']): Promise<ResultOf<typeof createRoomMutation>['createRoom']>;
  joinRoom(roomId: string): Promise<ResultOf<typeof joinRoomMutation>['joinRoom']>;
  leaveRoom(roomId: string): Promise<ResultOf<typeof leaveRoomMutation>['leaveRoom']>;
  rooms(variables?: VariablesOf<typeof roomsQuery>): Promise<ResultOf<typeof roomsQuery>['rooms']>;
  sendMessage(input: VariablesOf<typeof sendMessageMutation>['input']): Promise<Message>;
  messages(variables: VariablesOf<typeof messagesQuery>): Promise<ResultOf<typeof messagesQuery>['messages']>;
  /** Messages of a room, replayed after `after` when given, then live. Returns an unsubscribe function. */
  onMessage(variables: VariablesOf<typeof messageAddedSubscription>, handlers: SubscriptionHandlers<Message>): () => void;
  onRoomEvent(variables: VariablesOf<typeof roomEventsSubscription>, handlers: SubscriptionHandlers<RoomEvent>): () => void;
  /** Closes the socket and stops reconnecting. */
  close(): Promise<void>;
}

export const createRoomcastClient = (options: RoomcastClientOptions): RoomcastClient => {
  const authorization = `Bearer ${options.token}`;
  const ws = createWsClient({
    url: options.url.replace(/^http/, 'ws'),
    connectionParams: { authorization },
    retryAttempts: options.retryAttempts ?? 5,
    ...(options.webSocketImpl === undefined ? {} : { webSocketImpl: options.webSocketImpl }),
  });
  const urql = new Client({
    url: options.url,
    // Real-time data changes under any cache; every request goes to the server.
    requestPolicy: 'network-only',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
      fetchExchange,
    ],
  });

  const run = async <T>(promise: PromiseLike<{ data?: T | undefined; error?: CombinedError | undefined }>): Promise<T> => {
    const result = await promise;
    if (result.error) throw toClientError(result.error);
    if (result.data === undefined) throw new RoomcastClientError('NO_DATA', 'The server answered without data');
    return result.data;
  };

  const subscribe = <T, R>(
    source: ReturnType<Client['subscription']>,
    pick: (data: R) => T,
    handlers: SubscriptionHandlers<T>,
  ): (() => void) => {
    const { unsubscribe } = source.subscribe((result) => {
      if (result.error) handlers.error?.(toClientError(result.error));
      else if (result.data) handlers.next(pick(result.data as R)); // typed by the document passed in
    });
    return unsubscribe;
  };

  return {
    urql,
    ws,
    viewer: () => run(urql.query(viewerQuery, {})),
    createRoom: async (input) => (await run(urql.mutation(createRoomMutation, { input }))).createRoom,
    joinRoom: async (roomId) => (await run(urql.mutation(joinRoomMutation, { roomId }))).joinRoom,
    leaveRoom: async (roomId) => (await run(urql.mutation(leaveRoomMutation, { roomId }))).leaveRoom,
    rooms: async (variables = {}) => (await run(urql.query(roomsQuery, variables))).rooms,
    sendMessage: async (input) => (await run(urql.mutation(sendMessageMutation, { input }))).sendMessage,
    messages: async (variables) => (await run(urql.query(messagesQuery, variables))).messages,
    onMessage: (variables, handlers) =>
      subscribe(urql.subscription(messageAddedSubscription, variables), (data: ResultOf<typeof messageAddedSubscription>) => data.messageAdded, handlers),
    onRoomEvent: (variables, handlers) =>
      subscribe(urql.subscription(roomEventsSubscription, variables), (data: ResultOf<typeof roomEventsSubscription>) => data.roomEvents, handlers),
    async close() {
      await ws.dispose();
    },
  };
};
