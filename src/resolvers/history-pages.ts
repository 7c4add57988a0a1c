import type { MessagePage } from '../services/messages.js';

// Per operation (its context object): whether every history page it read can no longer change. HTTP
// caching (transport/plugins/use-http-caching.ts) reads it after execution; nothing else does.
const finality = new WeakMap<object, boolean>();

/** Notes a history page the operation answers with, and returns it. */
export const notePage = (context: object, page: MessagePage): MessagePage => {
  finality.set(context, (finality.get(context) ?? true) && page.final);
  return page;
};

/** Undefined: the operation read no history; else whether all it read is final. */
export const historyFinality = (context: object): boolean | undefined => finality.get(context);
