import type { Resolvers } from '../generated/resolvers-types.js';
import { viewerOf } from './viewer-holder.js';

// Admin checks live in the services (and, for every transport, in the schema guard: auth/scope-guard.ts).
export const apiKeyResolvers: Resolvers = {
  Query: {
    apiKeys: (_parent, _args, { principal, services }) => services.apiKeys.list(principal.userId),
  },
  Mutation: {
    createApiKey: (_parent, { input }, { principal, services }) => services.apiKeys.create(principal.userId, input),
    revokeApiKey: (_parent, { id }, { principal, services }) => services.apiKeys.revoke(principal.userId, id),
  },
  Room: {
    cursorAt: (room, { time }, { principal, services }) => services.messages.cursorAt(viewerOf(principal), room.id, time),
  },
};
