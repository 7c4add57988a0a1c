/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RefreshAuth($token: String!) {\n    refreshAuth(token: $token) { id name }\n  }\n": typeof types.RefreshAuthDocument,
    "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    author { id name }\n    body\n    clientId\n    createdAt\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) { ...MessageFields }\n  }\n": typeof types.SendMessageDocument,
    "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { ...MessageFields } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.MessagesDocument,
    "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n": typeof types.MessageAddedDocument,
    "\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageAdded { message { ...MessageFields } }\n      ... on TimerChanged { timer { ...TimerFields } }\n      ... on PresenceChanged { event { online user { id name } } }\n      ... on TypingChanged { event { typing user { id name } } }\n    }\n  }\n": typeof types.RoomEventsDocument,
    "\n  query HistoryPage($roomId: ID!, $first: Int, $after: String) {\n    messages(roomId: $roomId, first: $first, after: $after) {\n      edges { cursor node { id seq author { id name } body createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.HistoryPageDocument,
    "\n  query CursorAt($roomId: ID!, $time: DateTime!) {\n    room(id: $roomId) { id cursorAt(time: $time) }\n  }\n": typeof types.CursorAtDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n": typeof types.SetTypingDocument,
    "\n  subscription Typing($roomId: ID!) {\n    typing(roomId: $roomId) { roomId typing user { id name } }\n  }\n": typeof types.TypingDocument,
    "\n  subscription Presence($roomId: ID!) {\n    presence(roomId: $roomId) { roomId online user { id name } }\n  }\n": typeof types.PresenceDocument,
    "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) {\n      id\n      name\n      private\n      owner { id name }\n      members { id name }\n      createdAt\n    }\n  }\n": typeof types.CreateRoomDocument,
    "\n  mutation JoinRoom($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id name private headCursor members { id name } }\n  }\n": typeof types.JoinRoomDocument,
    "\n  mutation LeaveRoom($roomId: ID!) {\n    leaveRoom(roomId: $roomId) { id name private members { id name } }\n  }\n": typeof types.LeaveRoomDocument,
    "\n  query RoomOnline($id: ID!) {\n    room(id: $id) { id online { id name } }\n  }\n": typeof types.RoomOnlineDocument,
    "\n  query Rooms($first: Int, $after: String) {\n    rooms(first: $first, after: $after) {\n      edges { cursor node { id name private owner { id name } } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": typeof types.RoomsDocument,
    "\n  query Room($id: ID!) {\n    room(id: $id) { id name private headCursor owner { id name } members { id name } }\n  }\n": typeof types.RoomDocument,
    "\n  fragment TimerFields on Timer {\n    id\n    roomId\n    label\n    durationMs\n    remainingMs\n    tickMs\n    status\n    startedBy { id name }\n    startedAt\n    endsAt\n  }\n": typeof types.TimerFieldsFragmentDoc,
    "\n  mutation StartTimer($input: StartTimerInput!) {\n    startTimer(input: $input) { ...TimerFields }\n  }\n": typeof types.StartTimerDocument,
    "\n  mutation PauseTimer($id: ID!) {\n    pauseTimer(id: $id) { ...TimerFields }\n  }\n": typeof types.PauseTimerDocument,
    "\n  mutation ResumeTimer($id: ID!) {\n    resumeTimer(id: $id) { ...TimerFields }\n  }\n": typeof types.ResumeTimerDocument,
    "\n  mutation StopTimer($id: ID!) {\n    stopTimer(id: $id) { ...TimerFields }\n  }\n": typeof types.StopTimerDocument,
    "\n  query RoomTimers($roomId: ID!) {\n    room(id: $roomId) { id timers { ...TimerFields } }\n  }\n": typeof types.RoomTimersDocument,
    "\n  subscription TimerTicked($timerId: ID!) {\n    timerTicked(timerId: $timerId) {\n      remainingMs\n      serverTime\n      timer { ...TimerFields }\n    }\n  }\n": typeof types.TimerTickedDocument,
    "\n  query Viewer {\n    viewer { id name }\n    serverTime\n  }\n": typeof types.ViewerDocument,
};
const documents: Documents = {
    "\n  mutation RefreshAuth($token: String!) {\n    refreshAuth(token: $token) { id name }\n  }\n": types.RefreshAuthDocument,
    "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    author { id name }\n    body\n    clientId\n    createdAt\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) { ...MessageFields }\n  }\n": types.SendMessageDocument,
    "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { ...MessageFields } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.MessagesDocument,
    "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n": types.MessageAddedDocument,
    "\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageAdded { message { ...MessageFields } }\n      ... on TimerChanged { timer { ...TimerFields } }\n      ... on PresenceChanged { event { online user { id name } } }\n      ... on TypingChanged { event { typing user { id name } } }\n    }\n  }\n": types.RoomEventsDocument,
    "\n  query HistoryPage($roomId: ID!, $first: Int, $after: String) {\n    messages(roomId: $roomId, first: $first, after: $after) {\n      edges { cursor node { id seq author { id name } body createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.HistoryPageDocument,
    "\n  query CursorAt($roomId: ID!, $time: DateTime!) {\n    room(id: $roomId) { id cursorAt(time: $time) }\n  }\n": types.CursorAtDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n": types.SetTypingDocument,
    "\n  subscription Typing($roomId: ID!) {\n    typing(roomId: $roomId) { roomId typing user { id name } }\n  }\n": types.TypingDocument,
    "\n  subscription Presence($roomId: ID!) {\n    presence(roomId: $roomId) { roomId online user { id name } }\n  }\n": types.PresenceDocument,
    "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) {\n      id\n      name\n      private\n      owner { id name }\n      members { id name }\n      createdAt\n    }\n  }\n": types.CreateRoomDocument,
    "\n  mutation JoinRoom($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id name private headCursor members { id name } }\n  }\n": types.JoinRoomDocument,
    "\n  mutation LeaveRoom($roomId: ID!) {\n    leaveRoom(roomId: $roomId) { id name private members { id name } }\n  }\n": types.LeaveRoomDocument,
    "\n  query RoomOnline($id: ID!) {\n    room(id: $id) { id online { id name } }\n  }\n": types.RoomOnlineDocument,
    "\n  query Rooms($first: Int, $after: String) {\n    rooms(first: $first, after: $after) {\n      edges { cursor node { id name private owner { id name } } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n": types.RoomsDocument,
    "\n  query Room($id: ID!) {\n    room(id: $id) { id name private headCursor owner { id name } members { id name } }\n  }\n": types.RoomDocument,
    "\n  fragment TimerFields on Timer {\n    id\n    roomId\n    label\n    durationMs\n    remainingMs\n    tickMs\n    status\n    startedBy { id name }\n    startedAt\n    endsAt\n  }\n": types.TimerFieldsFragmentDoc,
    "\n  mutation StartTimer($input: StartTimerInput!) {\n    startTimer(input: $input) { ...TimerFields }\n  }\n": types.StartTimerDocument,
    "\n  mutation PauseTimer($id: ID!) {\n    pauseTimer(id: $id) { ...TimerFields }\n  }\n": types.PauseTimerDocument,
    "\n  mutation ResumeTimer($id: ID!) {\n    resumeTimer(id: $id) { ...TimerFields }\n  }\n": types.ResumeTimerDocument,
    "\n  mutation StopTimer($id: ID!) {\n    stopTimer(id: $id) { ...TimerFields }\n  }\n": types.StopTimerDocument,
    "\n  query RoomTimers($roomId: ID!) {\n    room(id: $roomId) { id timers { ...TimerFields } }\n  }\n": types.RoomTimersDocument,
    "\n  subscription TimerTicked($timerId: ID!) {\n    timerTicked(timerId: $timerId) {\n      remainingMs\n      serverTime\n      timer { ...TimerFields }\n    }\n  }\n": types.TimerTickedDocument,
    "\n  query Viewer {\n    viewer { id name }\n    serverTime\n  }\n": types.ViewerDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshAuth($token: String!) {\n    refreshAuth(token: $token) { id name }\n  }\n"): (typeof documents)["\n  mutation RefreshAuth($token: String!) {\n    refreshAuth(token: $token) { id name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    author { id name }\n    body\n    clientId\n    createdAt\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    author { id name }\n    body\n    clientId\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation SendMessage($input: SendMessageInput!) {\n    sendMessage(input: $input) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { ...MessageFields } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Messages($roomId: ID!, $first: Int, $after: String, $last: Int, $before: String) {\n    messages(roomId: $roomId, first: $first, after: $after, last: $last, before: $before) {\n      edges { cursor node { ...MessageFields } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n"): (typeof documents)["\n  subscription MessageAdded($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageAdded { message { ...MessageFields } }\n      ... on TimerChanged { timer { ...TimerFields } }\n      ... on PresenceChanged { event { online user { id name } } }\n      ... on TypingChanged { event { typing user { id name } } }\n    }\n  }\n"): (typeof documents)["\n  subscription RoomEvents($roomId: ID!, $after: String) {\n    roomEvents(roomId: $roomId, after: $after) {\n      __typename\n      ... on MessageAdded { message { ...MessageFields } }\n      ... on TimerChanged { timer { ...TimerFields } }\n      ... on PresenceChanged { event { online user { id name } } }\n      ... on TypingChanged { event { typing user { id name } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HistoryPage($roomId: ID!, $first: Int, $after: String) {\n    messages(roomId: $roomId, first: $first, after: $after) {\n      edges { cursor node { id seq author { id name } body createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query HistoryPage($roomId: ID!, $first: Int, $after: String) {\n    messages(roomId: $roomId, first: $first, after: $after) {\n      edges { cursor node { id seq author { id name } body createdAt } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CursorAt($roomId: ID!, $time: DateTime!) {\n    room(id: $roomId) { id cursorAt(time: $time) }\n  }\n"): (typeof documents)["\n  query CursorAt($roomId: ID!, $time: DateTime!) {\n    room(id: $roomId) { id cursorAt(time: $time) }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n"): (typeof documents)["\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) {\n    setTyping(roomId: $roomId, typing: $typing)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Typing($roomId: ID!) {\n    typing(roomId: $roomId) { roomId typing user { id name } }\n  }\n"): (typeof documents)["\n  subscription Typing($roomId: ID!) {\n    typing(roomId: $roomId) { roomId typing user { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Presence($roomId: ID!) {\n    presence(roomId: $roomId) { roomId online user { id name } }\n  }\n"): (typeof documents)["\n  subscription Presence($roomId: ID!) {\n    presence(roomId: $roomId) { roomId online user { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) {\n      id\n      name\n      private\n      owner { id name }\n      members { id name }\n      createdAt\n    }\n  }\n"): (typeof documents)["\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) {\n      id\n      name\n      private\n      owner { id name }\n      members { id name }\n      createdAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinRoom($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id name private headCursor members { id name } }\n  }\n"): (typeof documents)["\n  mutation JoinRoom($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id name private headCursor members { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveRoom($roomId: ID!) {\n    leaveRoom(roomId: $roomId) { id name private members { id name } }\n  }\n"): (typeof documents)["\n  mutation LeaveRoom($roomId: ID!) {\n    leaveRoom(roomId: $roomId) { id name private members { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomOnline($id: ID!) {\n    room(id: $id) { id online { id name } }\n  }\n"): (typeof documents)["\n  query RoomOnline($id: ID!) {\n    room(id: $id) { id online { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Rooms($first: Int, $after: String) {\n    rooms(first: $first, after: $after) {\n      edges { cursor node { id name private owner { id name } } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"): (typeof documents)["\n  query Rooms($first: Int, $after: String) {\n    rooms(first: $first, after: $after) {\n      edges { cursor node { id name private owner { id name } } }\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Room($id: ID!) {\n    room(id: $id) { id name private headCursor owner { id name } members { id name } }\n  }\n"): (typeof documents)["\n  query Room($id: ID!) {\n    room(id: $id) { id name private headCursor owner { id name } members { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TimerFields on Timer {\n    id\n    roomId\n    label\n    durationMs\n    remainingMs\n    tickMs\n    status\n    startedBy { id name }\n    startedAt\n    endsAt\n  }\n"): (typeof documents)["\n  fragment TimerFields on Timer {\n    id\n    roomId\n    label\n    durationMs\n    remainingMs\n    tickMs\n    status\n    startedBy { id name }\n    startedAt\n    endsAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTimer($input: StartTimerInput!) {\n    startTimer(input: $input) { ...TimerFields }\n  }\n"): (typeof documents)["\n  mutation StartTimer($input: StartTimerInput!) {\n    startTimer(input: $input) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseTimer($id: ID!) {\n    pauseTimer(id: $id) { ...TimerFields }\n  }\n"): (typeof documents)["\n  mutation PauseTimer($id: ID!) {\n    pauseTimer(id: $id) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeTimer($id: ID!) {\n    resumeTimer(id: $id) { ...TimerFields }\n  }\n"): (typeof documents)["\n  mutation ResumeTimer($id: ID!) {\n    resumeTimer(id: $id) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopTimer($id: ID!) {\n    stopTimer(id: $id) { ...TimerFields }\n  }\n"): (typeof documents)["\n  mutation StopTimer($id: ID!) {\n    stopTimer(id: $id) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomTimers($roomId: ID!) {\n    room(id: $roomId) { id timers { ...TimerFields } }\n  }\n"): (typeof documents)["\n  query RoomTimers($roomId: ID!) {\n    room(id: $roomId) { id timers { ...TimerFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TimerTicked($timerId: ID!) {\n    timerTicked(timerId: $timerId) {\n      remainingMs\n      serverTime\n      timer { ...TimerFields }\n    }\n  }\n"): (typeof documents)["\n  subscription TimerTicked($timerId: ID!) {\n    timerTicked(timerId: $timerId) {\n      remainingMs\n      serverTime\n      timer { ...TimerFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer { id name }\n    serverTime\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer { id name }\n    serverTime\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;