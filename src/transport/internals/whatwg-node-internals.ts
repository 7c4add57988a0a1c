/**
 * What Roomcast relies on in @whatwg-node/server (pinned: 0.11.0, through graphql-yoga) beyond its
 * documented API, in one place; guarded by test/unit/library-internals.test.ts (docs/architecture.md
 * "Library internals we rely on").
 */
import { ServerResponse, type IncomingMessage } from 'node:http';

/**
 * Hands yoga a node request whose body this server has already read. @whatwg-node/server
 * (`normalizeNodeRequest`) takes a non-empty `body` found on the node request (as express's body parsers
 * leave it) instead of reading the request stream, which is consumed by then. It ignores an empty one (and
 * then never answers a POST whose stream has ended): undefined, and the caller answers that itself.
 */
export const withBodyRead = (req: IncomingMessage, body: Buffer): IncomingMessage | undefined => {
  if (body.length > 0) return Object.assign(req, { body });
  // A GET or HEAD body is not read at all.
  return req.method === 'GET' || req.method === 'HEAD' ? req : undefined;
};

/**
 * node's response behind a yoga request: the server context @whatwg-node/server builds (and so every
 * request's context) carries node's `req` and `res` beside the fetch Request, when served by node:http.
 */
export const nodeResponseOf = (context: unknown): ServerResponse | undefined => {
  if (typeof context !== 'object' || context === null || !('res' in context)) return undefined;
  return context.res instanceof ServerResponse ? context.res : undefined;
};

/** node's own `write` of a response, bound to it: (chunk, encoding?, callback?) as given. */
export type NodeWrite = (...args: unknown[]) => boolean;

/**
 * Puts `write` in place of `res.write` for the body @whatwg-node/server pumps into `res`. Assumes
 * (`sendReadableStream`/`pumpToWritable`): it calls the instance's `res.write` once per chunk of the fetch
 * body, with that chunk unchanged, and reads no further while `write` returns false, until `drain`.
 */
export const replaceBodyWrite = (res: ServerResponse, write: (original: NodeWrite, args: unknown[]) => boolean): void => {
  const original = res.write;
  const nodeWrite: NodeWrite = (...args) => Reflect.apply(original, res, args) as boolean;
  // Node's overloads (chunk, encoding?, callback?) are forwarded as given.
  res.write = function replacedWrite(...args: unknown[]): boolean {
    return write(nodeWrite, args);
  } as ServerResponse['write']; // the same overloads as node's write, implemented by forwarding
};
