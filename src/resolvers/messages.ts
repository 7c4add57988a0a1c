import type { Resolvers } from '../generated/resolvers-types.js';
import { actorOf } from './viewer-holder.js';

export const messageResolvers: Resolvers = {
  Query: {
    messages: (_parent, { roomId, ...page }, { principal, services }) =>
      services.messages.history(principal.userId, roomId, page),
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
