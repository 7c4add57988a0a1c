// Queries and mutations over HTTP (urql's fetch exchange), typed by the generated documents, each
// answering its data or throwing a RoomcastClientError with the server's code.
import type { Client, CombinedError } from '@urql/core';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import { ClientErrorCode, fromCombinedError, RoomcastClientError } from './errors.js';
import { messagesQuery, sendMessageMutation } from './operations/messages.js';
import { setTypingMutation } from './operations/presence.js';
import { createRoomMutation, joinRoomMutation, leaveRoomMutation, roomOnlineQuery, roomQuery, roomsQuery } from './operations/rooms.js';
import {
  pauseTimerMutation,
  resumeTimerMutation,
  roomTimersQuery,
  startTimerMutation,
  stopTimerMutation,
} from './operations/timers.js';
import { viewerQuery } from './operations/viewer.js';

export type Message = ResultOf<typeof sendMessageMutation>['sendMessage'];
export type Timer = ResultOf<typeof startTimerMutation>['startTimer'];

const dataOf = async <T>(promise: PromiseLike<{ data?: T | undefined; error?: CombinedError | undefined }>): Promise<T> => {
  const result = await promise;
  if (result.error) throw fromCombinedError(result.error);
  if (result.data === undefined || result.data === null) throw new RoomcastClientError(ClientErrorCode.NoData, 'The server answered without data');
  return result.data;
};

export const createHttpApi = (urql: Client) => ({
  viewer: () => dataOf(urql.query(viewerQuery, {})),
  createRoom: async (input: VariablesOf<typeof createRoomMutation>['input']) =>
    (await dataOf(urql.mutation(createRoomMutation, { input }))).createRoom,
  joinRoom: async (roomId: string) => (await dataOf(urql.mutation(joinRoomMutation, { roomId }))).joinRoom,
  leaveRoom: async (roomId: string) => (await dataOf(urql.mutation(leaveRoomMutation, { roomId }))).leaveRoom,
  room: async (id: string) => (await dataOf(urql.query(roomQuery, { id }))).room,
  roomOnline: async (id: string) => (await dataOf(urql.query(roomOnlineQuery, { id }))).room?.online ?? [],
  rooms: async (variables: VariablesOf<typeof roomsQuery> = {}) => (await dataOf(urql.query(roomsQuery, variables))).rooms,
  sendMessage: async (input: VariablesOf<typeof sendMessageMutation>['input']): Promise<Message> =>
    (await dataOf(urql.mutation(sendMessageMutation, { input }))).sendMessage,
  messages: async (variables: VariablesOf<typeof messagesQuery>) => (await dataOf(urql.query(messagesQuery, variables))).messages,
  setTyping: async (roomId: string, typing: boolean) => (await dataOf(urql.mutation(setTypingMutation, { roomId, typing }))).setTyping,
  roomTimers: async (roomId: string) => (await dataOf(urql.query(roomTimersQuery, { roomId }))).room?.timers ?? [],
  startTimer: async (input: VariablesOf<typeof startTimerMutation>['input']): Promise<Timer> =>
    (await dataOf(urql.mutation(startTimerMutation, { input }))).startTimer,
  pauseTimer: async (id: string): Promise<Timer> => (await dataOf(urql.mutation(pauseTimerMutation, { id }))).pauseTimer,
  resumeTimer: async (id: string): Promise<Timer> => (await dataOf(urql.mutation(resumeTimerMutation, { id }))).resumeTimer,
  stopTimer: async (id: string): Promise<Timer> => (await dataOf(urql.mutation(stopTimerMutation, { id }))).stopTimer,
});

export type HttpApi = ReturnType<typeof createHttpApi>;
