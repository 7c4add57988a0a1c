import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `GET /` (and HEAD) answers 302 to /graphql, where a browser gets GraphiQL: someone who opens the
 * server's address finds the explorer instead of an empty 404. Returns false for anything else.
 */
export const redirectRoot =
  (target: string) =>
  (req: IncomingMessage, res: ServerResponse): boolean => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    res.writeHead(302, { location: target, 'content-length': 0, 'cache-control': 'no-cache' });
    res.end();
    return true;
  };
