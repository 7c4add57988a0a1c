import type { Resolvers } from '../generated/resolvers-types.js';
import type { PresenceChangedEvent, TypingChangedEvent, UserRecord } from '../engine/types.js';
import type { Context } from './context.js';
import type { PublicEventKind, StreamItem } from '../services/room-stream.js';
import { holderOf } from './viewer-holder.js';
import { RoomEventType } from '../protocol/index.js';

const kinds = (...list: PublicEventKind[]): ReadonlySet<PublicEventKind> => new Set(list);
const MESSAGES_ONLY = kinds('message');
// Timer ticks are not changes of state: they reach timerTicked only.
const ROOM_EVENTS = kinds('message', 'timer', 'presence', 'typing', 'receipt');
const TYPING_ONLY = kinds('typing');
const PRESENCE_ONLY = kinds('presence');

// A stream ends with an error item rather than by throwing: thrown iterator errors make graphql-ws
// close the whole socket (4500), while a resolver error becomes a coded payload for this one operation.
const unwrap = <T extends StreamItem>(item: T): Exclude<T, { kind: 'error' }> => {
  if (item.kind === 'error') throw item.error;
  return item as Exclude<T, { kind: 'error' }>; // narrowed by the check above
};

const expect = <K extends StreamItem['kind']>(item: StreamItem, kind: K): Extract<StreamItem, { kind: K }> => {
  const event = unwrap(item);
  if (event.kind !== kind) throw new Error(`expected a ${kind} event, got ${event.kind}`);
  return event as Extract<StreamItem, { kind: K }>; // checked above
};

/**
 * `typing` and `presence`: who is typing / online now comes first (as "on" events, the subscriber
 * included), then the changes. The snapshot is read after subscribing, so no change falls between.
 */
const openPeopleStream = (
  context: Context,
  roomId: string,
  kinds: ReadonlySet<PublicEventKind>,
  eventFor: (user: UserRecord) => PresenceChangedEvent | TypingChangedEvent,
  currentUserIds: () => Promise<string[]>,
) =>
  context.services.roomEvents.open(holderOf(context), roomId, {
    kinds,
    snapshot: async () => (await context.services.users.resolve(await currentUserIds())).map(eventFor),
  });

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    messageAdded: {
      subscribe: (_parent, { roomId, after }, context) =>
        context.services.roomEvents.open(holderOf(context), roomId, { after, kinds: MESSAGES_ONLY }),
      resolve: (item: StreamItem) => expect(item, 'message').message,
    },
    roomEvents: {
      subscribe: (_parent, { roomId, after }, context) =>
        context.services.roomEvents.open(holderOf(context), roomId, { after, kinds: ROOM_EVENTS }),
      resolve: (item: StreamItem) => {
        const event = unwrap(item);
        if (event.kind === 'timer-tick') throw new Error('roomEvents never carries ticks');
        return event;
      },
    },
    typing: {
      subscribe: (_parent, { roomId }, context) =>
        openPeopleStream(context, roomId, TYPING_ONLY, (user) => ({ kind: 'typing', roomId, userId: user.id, userName: user.name, typing: true }), () =>
          context.services.typing.list(roomId),
        ),
      resolve: (item: StreamItem) => expect(item, 'typing'),
    },
    presence: {
      subscribe: (_parent, { roomId }, context) =>
        openPeopleStream(context, roomId, PRESENCE_ONLY, (user) => ({ kind: 'presence', roomId, userId: user.id, userName: user.name, online: true }), () =>
          context.services.presence.online(roomId),
        ),
      resolve: (item: StreamItem) => expect(item, 'presence'),
    },
  },
  RoomEvent: {
    __resolveType: (event) => {
      if (!('kind' in event)) return null;
      switch (event.kind) {
        case 'message':
          return RoomEventType.MessageAdded;
        case 'timer':
        case 'timer-tick':
          return RoomEventType.TimerChanged;
        case 'presence':
          return RoomEventType.PresenceChanged;
        case 'typing':
          return RoomEventType.TypingChanged;
        case 'receipt':
          return RoomEventType.ReadReceiptAdded;
      }
    },
  },
  PresenceChanged: { event: (event) => event },
  TypingChanged: { event: (event) => event },
  PresenceEvent: { user: (event) => ({ id: event.userId, name: event.userName }) },
  TypingEvent: { user: (event) => ({ id: event.userId, name: event.userName }) },
};
