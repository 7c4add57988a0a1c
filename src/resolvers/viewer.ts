import type { Resolvers } from '../generated/resolvers-types.js';
import { notImplemented } from '../errors/index.js';

export const viewerResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, { principal }) => ({ id: principal.userId, name: principal.name }),
    serverTime: (_parent, _args, { clock }) => clock.now(),
  },
  Mutation: {
    // Arrives with the hardening issue (token renewal on long-lived sockets).
    refreshAuth: () => {
      throw notImplemented('refreshAuth');
    },
  },
};
