import type { Server, ServerResponse } from 'node:http';
import { afterConnectionIdle } from './internals/node-http-internals.js';

export interface HttpDrain {
  /**
   * Stops accepting connections, closes idle keep-alive ones, and makes every response not yet started
   * close its connection (`Connection: close`), so that keep-alive cannot hold the process up; requests
   * in flight finish and get their answer. Resolves once every connection (upgraded ones included) has
   * closed.
   */
  drain(): Promise<void>;
}

/** Tracks the responses in flight on `server`, for a drain at shutdown. */
export const trackHttpResponses = (server: Server): HttpDrain => {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  // A response that ends while draining may leave a keep-alive connection idle (a stream whose headers
  // went out before the drain): it is closed once node has put it back to idle.
  const closeIdleSoon = () => afterConnectionIdle(() => server.closeIdleConnections());
  const closeAfter = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };

  // Prepended, so that it runs before the handler can send anything.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) closeAfter(res);
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (draining) closeIdleSoon();
    });
  });

  return {
    drain() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of inFlight) closeAfter(res);
      server.closeIdleConnections();
      return closed;
    },
  };
};
