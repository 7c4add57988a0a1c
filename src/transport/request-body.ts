import type { IncomingMessage } from 'node:http';

/**
 * Hands yoga a node request whose body this server has already read. @whatwg-node/server (0.11,
 * `normalizeNodeRequest`) takes a non-empty `body` found on the node request (as express's body parsers
 * leave it) instead of reading the request stream, which is consumed by then. It ignores an empty one (and
 * then never answers a POST whose stream has ended): undefined, and the caller answers that itself. The
 * chunked cases of test/e2e/malformed-input-2.test.ts fail if this stops holding.
 */
export const withBodyRead = (req: IncomingMessage, body: Buffer): IncomingMessage | undefined => {
  if (body.length > 0) return Object.assign(req, { body });
  // A GET or HEAD body is not read at all.
  return req.method === 'GET' || req.method === 'HEAD' ? req : undefined;
};
