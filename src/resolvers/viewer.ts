import type { Resolvers } from '../generated/resolvers-types.js';

export const viewerResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, { principal }) => ({ id: principal.userId, name: principal.name }),
    serverTime: (_parent, _args, { clock }) => clock.now(),
  },
  Mutation: {
    refreshAuth: async (_parent, { token }, { connection, services }) => {
      const principal = await connection.refresh(token);
      const user = { id: principal.userId, name: principal.name };
      await services.users.remember(user);
      return user;
    },
  },
};
