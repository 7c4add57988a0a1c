import type { Server } from 'node:http';

/**
 * Creates a ws `WebSocketServer` on `server` without the listener ws adds to re-emit the HTTP server's
 * 'error' events on itself. graphql-ws answers any such event by printing "Internal error emitted on the
 * WebSocket server. Please check your implementation." with a stack and closing every socket with 4500;
 * but the HTTP server's errors (a port in use at listen) belong to whoever listens (App.listen), which
 * answers them with one line. ws internals (8.x, `addListeners` in websocket-server.js): the listener is
 * found as the one `create` added; test/e2e/first-run.test.ts fails if that stops holding.
 */
export const withoutServerErrorForwarding = <T>(server: Server, create: () => T): T => {
  const before = new Set(server.listeners('error'));
  const created = create();
  for (const listener of server.listeners('error')) {
    // Listeners are untyped functions in node's typings; these are the ones `create` just added.
    if (!before.has(listener)) server.off('error', listener as (...args: unknown[]) => void);
  }
  return created;
};
