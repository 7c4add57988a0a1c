import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { writeRawFrame } from './internals/ws-internals.js';
import { SLOW_CONSUMER_CLOSE_CODE, type SlowConsumerEvent } from './slow-consumer.js';

/** How every frame the server writes reaches a socket: each write is held to the socket's buffer bound. */
export interface FrameWriter {
  /** A text frame through ws (graphql-ws's acks, pongs, results, errors); `done` when ws has written it. */
  sendText(data: string | Buffer, done?: (error?: Error) => void): void;
  /** A complete frame built outside ws (text-frames.ts), written beneath it; only without extensions. */
  writeFrame(transport: Socket, frame: Buffer): void;
}

/** A socket the server accepted: a ws WebSocket of the class below. */
export type ServerSocket = WebSocket & FrameWriter;

export interface ServerSocketOptions {
  /** Unsent bytes a socket may hold; past it the socket is closed with SLOW_CONSUMER_CLOSE_CODE. */
  maxBufferedBytes: number;
  /** `socket` has just been closed with SLOW_CONSUMER_CLOSE_CODE (its close frame is queued, not sent). */
  onSlowConsumer: (event: SlowConsumerEvent, socket: WebSocket) => void;
}

/**
 * The class of every server-side socket (ws's documented `WebSocket` server option), whose two write
 * methods are the only ways the server writes frames: the adapter graphql-ws runs on
 * (ws/socket-adapter.ts) sends through `sendText`, the direct subscription path writes pre-built frames
 * through `writeFrame`. After each write, a socket holding more than `maxBufferedBytes` unsent
 * (`bufferedAmount`: what the kernel would not take yet) is closed with SLOW_CONSUMER_CLOSE_CODE. Nothing
 * more is written to a closing socket, so a stalled reader costs at most the cap plus one frame; the
 * server's `closeTimeout` (WS_CLOSE_TIMEOUT_MS) destroys it if the peer does not read its way to the
 * close frame by then.
 */
export const createServerSocketClass = ({ maxBufferedBytes, onSlowConsumer }: ServerSocketOptions) => {
  const holdToBound = (socket: WebSocket): void => {
    if (socket.readyState !== WebSocket.OPEN) return;
    const bufferedBytes = socket.bufferedAmount;
    if (bufferedBytes <= maxBufferedBytes) return;
    socket.close(SLOW_CONSUMER_CLOSE_CODE, 'Slow consumer: reconnect and resume from your last cursor');
    onSlowConsumer({ transport: 'graphql-ws', bufferedBytes }, socket);
  };
  return class ServerSocket extends WebSocket implements FrameWriter {
    sendText(data: string | Buffer, done?: (error?: Error) => void): void {
      this.send(data, { binary: false }, done);
      holdToBound(this);
    }

    /**
     * Straight to `transport`, the TCP socket under this WebSocket, in order with everything ws writes
     * (ws-internals.ts), and under the same buffer bound as `sendText`.
     */
    writeFrame(transport: Socket, frame: Buffer): void {
      writeRawFrame(transport, frame);
      holdToBound(this);
    }
  };
};
