// Names that server and client agree on beyond the schema's SDL.

/** The one HTTP path of every transport: queries, mutations, SSE and the graphql-ws upgrade. */
export const GRAPHQL_PATH = '/graphql';

/** `__typename` of each `RoomEvent` member, as `roomEvents` delivers it (schema/events.graphql). */
export const RoomEventType = {
  MessageAdded: 'MessageAdded',
  TimerChanged: 'TimerChanged',
  TypingChanged: 'TypingChanged',
  PresenceChanged: 'PresenceChanged',
  ReadReceiptAdded: 'ReadReceiptAdded',
} as const;

export type RoomEventType = (typeof RoomEventType)[keyof typeof RoomEventType];

/** Event names of GraphQL over SSE ("distinct connections" mode), as yoga writes them. */
export const SseEvent = {
  Next: 'next',
  Complete: 'complete',
} as const;
