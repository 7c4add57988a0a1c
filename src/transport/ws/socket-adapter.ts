import { CloseCode, type Server, type WebSocket as ProtocolSocket } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { FrameWriter } from '../server-socket.js';

export interface SocketAdapterOptions {
  /** Each frame graphql-ws hands to `send`, right after ws took it (or dropped it: the socket was not open). */
  onSent(data: string): void;
  /** A message handler or the socket itself failed (our fault, not the peer's): the socket closes with 4500. */
  onFault(error: unknown): void;
  /**
   * Why a client frame is refused before graphql-ws reads it (client-message-guard.ts: frames graphql-ws
   * would accept but a client may not send), or undefined; a refused frame closes the socket with 4400.
   */
  refusalOf(text: string): string | undefined;
  /** A peer broke the WebSocket framing (ws has already closed the socket with the matching 1xxx code). */
  onPeerProtocolError(error: Error): void;
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

// ws's receiver errors (bad opcode, invalid UTF-8, frame too large …) carry a WS_ERR_ code (listed in ws's
// doc/ws.md): the peer's fault, not ours.
const isPeerProtocolError = (value: unknown): value is Error => {
  if (!(value instanceof Error) || !('code' in value)) return false;
  return typeof value.code === 'string' && value.code.startsWith('WS_ERR_');
};

/**
 * Runs graphql-ws's protocol (`makeServer`, its documented entry point) on one accepted ws socket: the
 * adapter graphql-ws's own `use/ws` is, minus its per-socket keepalive timers (keepalive.ts pings every
 * socket from one timer) and its console lines (faults go to `onFault`, the peer's framing errors to
 * `onPeerProtocolError`), plus the client-frame guard. `send` resolves once ws has written the frame, as
 * in `use/ws`, so graphql-ws paces an operation's frames by the socket; it goes through the socket's
 * `sendText`, which holds the socket to its buffer bound (server-socket.ts).
 */
export const serveSocket = <E>(server: Server<E>, socket: WebSocket & FrameWriter, extra: E, options: SocketAdapterOptions): void => {
  const fail = (error: unknown): void => {
    options.onFault(error);
    socket.close(CloseCode.InternalServerError, faultReason(error, options.exposeInternals));
  };
  const adapted: ProtocolSocket = {
    protocol: socket.protocol,
    send: (data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.readyState === socket.OPEN) socket.sendText(data, (error) => (error ? reject(error) : resolve()));
        else resolve();
        options.onSent(data);
      }),
    close: (code, reason) => socket.close(code, reason),
    onMessage: (handle) =>
      socket.on('message', (data) => {
        // ws hands text frames as Buffers; graphql-ws reads text. Client frames are few next to the frames
        // a server writes, so reading each one twice (the guard, then graphql-ws) costs little.
        const text = String(data);
        const refusal = socket.readyState === socket.OPEN ? options.refusalOf(text) : undefined;
        if (refusal !== undefined) {
          socket.close(CloseCode.BadRequest, refusal);
          return;
        }
        handle(text).catch(fail);
      }),
  };
  const closed = server.opened(adapted, extra);
  socket.on('error', (error) => (isPeerProtocolError(error) ? options.onPeerProtocolError(error) : fail(error)));
  socket.once('close', (code, reason) => void closed(code, String(reason)));
};
