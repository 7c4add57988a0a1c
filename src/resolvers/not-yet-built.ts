import type { Resolvers } from '../generated/resolvers-types.js';
import { notImplemented } from '../errors/index.js';

const later = (feature: string) => () => {
  throw notImplemented(feature);
};

// Contract fields whose features arrive with their own issues (presence/typing). They answer
// NOT_IMPLEMENTED rather than invented data, so a client can tell "not built" from "empty".
export const notYetBuiltResolvers: Resolvers = {
  Mutation: {
    setTyping: later('setTyping'),
  },
};
