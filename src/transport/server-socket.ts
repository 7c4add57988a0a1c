import type { Socket } from 'node:net';
import { CloseCode } from 'graphql-ws';
import { WebSocket } from 'ws';
import { hookedSocketClass, writeRawFrame } from './internals/ws-internals.js';
import { refusalOf } from './client-message-guard.js';
import { SLOW_CONSUMER_CLOSE_CODE, type SlowConsumerEvent } from './slow-consumer.js';

/** What the direct subscription path needs of a socket to write frames it built itself. */
export interface FrameWriter {
  writeFrame(transport: Socket, frame: Buffer): void;
}

export interface ServerSocketOptions {
  /** Unsent bytes a socket may hold; past it the socket is closed with SLOW_CONSUMER_CLOSE_CODE. */
  maxBufferedBytes: number;
  /** `socket` has just been closed with SLOW_CONSUMER_CLOSE_CODE (its close frame is queued, not sent). */
  onSlowConsumer: (event: SlowConsumerEvent, socket: WebSocket) => void;
  /** A peer broke the WebSocket framing (ws has already closed the socket with the matching 1xxx code). */
  onPeerProtocolError: (error: Error) => void;
  /** Deepest payload a frame other than `subscribe` may carry (MAX_VARIABLES_DEPTH); deeper ones get 4400. */
  maxPayloadDepth: number;
}

// ws's receiver errors (bad opcode, invalid UTF-8, frame too large …) carry a WS_ERR_ code: the peer's fault.
const isPeerProtocolError = (value: unknown): value is Error => {
  if (!(value instanceof Error) || !('code' in value)) return false;
  return typeof value.code === 'string' && value.code.startsWith('WS_ERR_');
};

/**
 * The class of every server-side socket (ws's `WebSocket` server option), so that each rule holds for every
 * frame whoever writes it: graphql-ws (acks, pongs, results, errors) and the direct subscription path
 * (live `next` frames) both write through `send`.
 *
 * - After each write, a socket holding more than `maxBufferedBytes` unsent (`bufferedAmount`: what the
 *   kernel would not take yet) is closed with SLOW_CONSUMER_CLOSE_CODE. Nothing more is written to a
 *   closing socket, so a stalled reader costs at most the cap plus one frame; the WebSocketServer's
 *   `closeTimeout` (WS_CLOSE_TIMEOUT_MS) destroys it if the peer does not read its way to the close
 *   frame by then.
 * - Client frames that graphql-ws would accept but a client may not send (client-message-guard.ts) are
 *   refused with 4400 before graphql-ws sees them.
 * - Framing errors are the peer's, not ours: they are reported to `onPeerProtocolError` instead of
 *   graphql-ws's "Internal error … check your implementation" console line.
 */
export const createServerSocketClass = ({ maxBufferedBytes, onSlowConsumer, onPeerProtocolError, maxPayloadDepth }: ServerSocketOptions) => {
  const holdToBound = (socket: WebSocket): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    const bufferedBytes = socket.bufferedAmount;
    if (bufferedBytes <= maxBufferedBytes) return;
    socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Slow consumer: reconnect and resume from your last cursor');
    onSlowConsumer({ transport: 'graphql-ws', bufferedBytes }, socket);
  };
  const HookedSocket = hookedSocketClass({
    afterSend: holdToBound,
    // Client frames are few next to the frames a server writes, so reading each one twice (here and in
    // graphql-ws) costs little.
    message(socket, data) {
      if (socket.readyState !== WebSocket.OPEN) return false;
      const reason = refusalOf(String(data), maxPayloadDepth);
      if (reason === undefined) return false;
      socket.close(CloseCode.BadRequest, reason);
      return true;
    },
    error(_socket, error) {
      if (!isPeerProtocolError(error)) return false;
      onPeerProtocolError(error);
      return true;
    },
  });
  return class ServerSocket extends HookedSocket implements FrameWriter {
    /**
     * Writes a complete text frame (text-frames.ts) straight to `transport`, the TCP socket under this
     * WebSocket, in order with everything ws writes (ws-internals.ts), and under the same buffer bound as
     * `send`. Only for an open socket without extensions.
     */
    writeFrame(transport: Socket, frame: Buffer): void {
      writeRawFrame(transport, frame);
      holdToBound(this);
    }
  };
};
