import type { Resolvers } from '../generated/resolvers-types.js';
import type { PublicEventKind, StreamItem } from '../services/room-stream.js';
import { notImplemented } from '../errors/index.js';

const MESSAGES_ONLY: ReadonlySet<PublicEventKind> = new Set(['message']);
const ALL_ROOM_EVENTS: ReadonlySet<PublicEventKind> = new Set<PublicEventKind>(['message', 'timer']);

// A stream ends with an error item rather than by throwing: thrown iterator errors make graphql-ws
// close the whole socket (4500), while a resolver error becomes a coded payload for this one operation.
const unwrap = <T extends StreamItem>(item: T): Exclude<T, { kind: 'error' }> => {
  if (item.kind === 'error') throw item.error;
  return item as Exclude<T, { kind: 'error' }>; // narrowed by the check above
};

export const subscriptionResolvers: Resolvers = {
  Subscription: {
    messageAdded: {
      subscribe: (_parent, { roomId, after }, { principal, services }) =>
        services.roomEvents.open(principal.userId, roomId, { after, kinds: MESSAGES_ONLY }),
      resolve: (item: StreamItem) => {
        const event = unwrap(item);
        if (event.kind !== 'message') throw new Error(`messageAdded received a ${event.kind} event`);
        return event.message;
      },
    },
    roomEvents: {
      subscribe: (_parent, { roomId, after }, { principal, services }) =>
        services.roomEvents.open(principal.userId, roomId, { after, kinds: ALL_ROOM_EVENTS }),
      resolve: (item: StreamItem) => unwrap(item),
    },
    typing: {
      subscribe: () => {
        throw notImplemented('typing');
      },
    },
    presence: {
      subscribe: () => {
        throw notImplemented('presence');
      },
    },
  },
  RoomEvent: {
    // Timer, typing, presence and receipt events join when their issues land.
    __resolveType: (event) => {
      if (!('kind' in event)) return null;
      // Ticks never reach roomEvents (its kinds exclude them); only changes of state do.
      return event.kind === 'message' ? 'MessageAdded' : 'TimerChanged';
    },
  },
};
