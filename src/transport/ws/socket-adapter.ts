import { CloseCode, type Server, type WebSocket as ProtocolSocket } from 'graphql-ws';
import type { WebSocket } from 'ws';

export interface SocketAdapterOptions {
  /** Each frame graphql-ws hands to `send`, right after ws took it (or dropped it: the socket was not open). */
  onSent(data: string): void;
  /** A message handler or the socket itself failed (our fault, not the peer's): the socket closes with 4500. */
  onFault(error: unknown): void;
  /** Whether a 4500's close reason may carry the error's message (config.exposeInternals). */
  exposeInternals: boolean;
}

// A close reason is at most 123 bytes (RFC 6455): a longer message gives way to the generic one.
const faultReason = (error: unknown, exposeInternals: boolean): string => {
  const generic = 'Internal server error';
  if (!exposeInternals) return generic;
  const message = error instanceof Error ? error.message : String(error);
  return message.length < 124 ? message : generic;
};

/**
 * Runs graphql-ws's protocol (`makeServer`, its documented entry point) on one accepted ws socket: the
 * adapter graphql-ws's own `use/ws` is, minus its per-socket keepalive timers (keepalive.ts pings every
 * socket from one timer) and its console lines (faults go to `onFault`). `send` resolves once ws has
 * written the frame, as in `use/ws`, so graphql-ws paces an operation's frames by the socket.
 */
export const serveSocket = <E>(server: Server<E>, socket: WebSocket, extra: E, options: SocketAdapterOptions): void => {
  const fail = (error: unknown): void => {
    options.onFault(error);
    socket.close(CloseCode.InternalServerError, faultReason(error, options.exposeInternals));
  };
  const adapted: ProtocolSocket = {
    protocol: socket.protocol,
    send: (data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState === socket.OPEN) socket.send(data, (error) => (error ? reject(error) : resolve()));
        else resolve();
        options.onSent(data);
      }),
    close: (code, reason) => socket.close(code, reason),
    onMessage: (handle) =>
      socket.on('message', (data) => {
        // ws hands text frames as Buffers; graphql-ws reads text.
        handle(String(data)).catch(fail);
      }),
  };
  const closed = server.opened(adapted, extra);
  // Receiver errors that are the peer's (WS_ERR_*) are taken out before this by server-socket.ts.
  socket.once('error', fail);
  socket.once('close', (code, reason) => void closed(code, String(reason)));
};
