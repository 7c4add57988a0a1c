import type { Resolvers } from '../generated/resolvers-types.js';
import { notePage } from './history-pages.js';
import { actorOf, viewerOf } from './viewer-holder.js';

export const messageResolvers: Resolvers = {
  Query: {
    messages: async (_parent, { roomId, ...page }, context) =>
      notePage(context, await context.services.messages.history(viewerOf(context.principal), roomId, page)),
  },
  Mutation: {
    sendMessage: (_parent, { input }, { principal, services }) =>
      services.messages.send(actorOf({ principal }), input),
  },
  Message: {
    cursor: (message, _args, { services }) => services.messages.cursorOf(message),
    // The author's name as it was when the message was sent: no lookup per delivered message.
    author: (message) => ({ id: message.authorId, name: message.authorName }),
  },
};
