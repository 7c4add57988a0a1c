/**
 * Everything Roomcast relies on in `ws` (pinned: 8.23.0) beyond its documented API, in one place. Each
 * function says what it assumes; test/unit/library-internals.test.ts fails when an assumption stops
 * holding, so a ws upgrade is checked there first (docs/architecture.md "Library internals we rely on").
 */
import type { Socket } from 'node:net';
import { WebSocket, type ServerOptions } from 'ws';

/** What a socket class made by `hookedSocketClass` does around ws's own `send` and events. */
export interface SocketHooks {
  /** Called after every frame handed to ws's `send` (graphql-ws's acks, pongs, results, errors). */
  afterSend(socket: WebSocket): void;
  /** Each client text or binary message, before any listener sees it; true: swallowed. */
  message(socket: WebSocket, data: unknown): boolean;
  /** Each error ws reports on the socket, before any listener sees it; true: swallowed. */
  error(socket: WebSocket, error: unknown): boolean;
}

/**
 * A `WebSocket` subclass (for the server's `WebSocket` option, which is documented) whose `send` and
 * `emit` are overridden. Assumes (ws internals): every frame graphql-ws writes goes through the
 * instance's `send`, and ws delivers each received message and each receiver error (`WS_ERR_*`) by
 * calling the socket's own `emit('message', data, isBinary)` / `emit('error', error)`.
 */
export const hookedSocketClass = (hooks: SocketHooks) =>
  class HookedSocket extends WebSocket {
    override send(...args: unknown[]): void {
      // Forwarded as given: ws sorts out its own overloads (data, options?, callback?).
      Reflect.apply(super.send, this, args);
      hooks.afterSend(this);
    }

    override emit(event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'message' && hooks.message(this, args[0])) return false;
      if (event === 'error' && hooks.error(this, args[0])) return false;
      return super.emit(event, ...args);
    }
  };

/**
 * True when frames built outside ws (text-frames.ts) may be written to `socket`'s transport: no extension
 * was negotiated, so ws's sender frames nothing differently and holds nothing back.
 */
export const takesRawFrames = (socket: WebSocket): boolean => socket.extensions === '';

/**
 * Writes a complete frame beneath ws, on the TCP socket it writes to. Assumes (ws internals): on an open
 * socket without extensions, ws's `Sender` writes each frame to the socket synchronously in `send` and
 * queues nothing of its own, so this frame lands in order with everything ws writes; and `bufferedAmount`
 * counts the socket's unsent bytes (`_socket._writableState.length`), so it counts this frame too.
 */
export const writeRawFrame = (transport: Socket, frame: Buffer): void => {
  transport.write(frame);
};

/**
 * `options` with `closeTimeout`: how long a closing socket waits for its peer's close frame before ws
 * destroys it (ws 8.23 reads it; @types/ws does not declare it yet, hence this function).
 */
export const withCloseTimeout = <T extends ServerOptions>(options: T, closeTimeoutMs: number): T & { closeTimeout: number } => ({
  ...options,
  closeTimeout: closeTimeoutMs,
});
