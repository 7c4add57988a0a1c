import type { Resolvers } from '../generated/resolvers-types.js';

export const presenceResolvers: Resolvers = {
  Mutation: {
    setTyping: (_parent, { roomId, typing }, { principal, services }) =>
      services.typing.set({ userId: principal.userId, name: principal.name }, roomId, typing),
    markRead: (_parent, { roomId, messageId }, { principal, services }) =>
      services.receipts.markRead({ userId: principal.userId, name: principal.name }, roomId, messageId),
  },
  Room: {
    online: async (room, _args, { services }) => services.users.resolve(await services.presence.online(room.id)),
    unreadCount: (room, _args, { principal, services }) => services.receipts.unreadCount(principal.userId, room.id),
  },
  ReadReceipt: {
    user: (receipt) => ({ id: receipt.userId, name: receipt.userName }),
  },
};
