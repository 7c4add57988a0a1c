import type { Resolvers } from '../generated/resolvers-types.js';
import { notePage } from './history-pages.js';
import { viewerOf } from './viewer-holder.js';

export const roomResolvers: Resolvers = {
  Query: {
    room: async (_parent, { id }, { principal, services }) => (await services.rooms.find(viewerOf(principal), id)) ?? null,
    rooms: (_parent, args, { principal, services }) =>
      principal.kind === 'key' ? services.rooms.listGranted(principal.roomIds, args) : services.rooms.list(principal.userId, args),
  },
  Mutation: {
    createRoom: (_parent, { input }, { principal, services }) => services.rooms.create(principal.userId, input),
    joinRoom: (_parent, { roomId }, { principal, services }) => services.rooms.join(principal.userId, roomId),
    leaveRoom: (_parent, { roomId }, { principal, services }) => services.rooms.leave(principal.userId, roomId),
  },
  Room: {
    owner: async (room, _args, { services }) => {
      const [owner] = await services.users.resolve([room.ownerId]);
      return owner ?? { id: room.ownerId, name: room.ownerId };
    },
    members: async (room, _args, { services }) => services.users.resolve(await services.rooms.members(room.id)),
    messages: async (room, args, context) => notePage(context, await context.services.messages.history(viewerOf(context.principal), room.id, args)),
    headCursor: (room, _args, { services }) => services.messages.headCursor(room.id),
  },
};
