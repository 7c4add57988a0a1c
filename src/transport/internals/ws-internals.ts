/**
 * Everything Roomcast relies on in `ws` (pinned: 8.23.0) beyond its documented API, in one place. Each
 * function says what it assumes; test/unit/library-internals.test.ts fails when an assumption stops
 * holding, so a ws upgrade is checked there first (docs/architecture.md "Library internals we rely on").
 */
import type { Socket } from 'node:net';
import type { ServerOptions, WebSocket } from 'ws';

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
