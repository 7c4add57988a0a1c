import type { Resolvers } from '../generated/resolvers-types.js';
import { actorOf } from './viewer-holder.js';

export const presenceResolvers: Resolvers = {
  Mutation: {
    setTyping: (_parent, { roomId, typing }, { principal, services }) =>
      services.typing.set(actorOf({ principal }), roomId, typing),
    markRead: (_parent, { roomId, messageId }, { principal, services }) =>
      services.receipts.markRead(actorOf({ principal }), roomId, messageId),
  },
  Room: {
    online: async (room, _args, { services }) => services.users.resolve(await services.presence.online(room.id)),
    unreadCount: (room, _args, { principal, services }) => services.receipts.unreadCount(principal.userId, room.id),
  },
  ReadReceipt: {
    user: (receipt) => ({ id: receipt.userId, name: receipt.userName }),
  },
};
