import { ServerResponse } from 'node:http';

/**
 * node's response behind a yoga request: yoga's server context (and so every request's context) carries
 * node's `req` and `res` beside the fetch Request, when yoga is served by node:http as here.
 */
export const nodeResponseOf = (context: unknown): ServerResponse | undefined => {
  if (typeof context !== 'object' || context === null || !('res' in context)) return undefined;
  return context.res instanceof ServerResponse ? context.res : undefined;
};
