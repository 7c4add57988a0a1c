import type { WebSocket } from 'ws';
import type { Clock } from '../lib/clock.js';
import { settlesBy } from '../lib/deadline.js';
import { CloseCode } from '../protocol/index.js';
import { MessageType, parseMessage } from 'graphql-ws';
import { MAX_OPERATION_ID_LENGTH } from './client-message-guard.js';

/** The close code a server sends when it goes away (RFC 6455): clients reconnect, to another instance. */
export const GOING_AWAY = CloseCode.GoingAway;

/**
 * The queries and mutations each graphql-ws socket is running, so that shutdown lets them answer before
 * it closes the socket. Only sockets running one hold an entry (idle subscribers cost nothing).
 */
export interface SocketOperations {
  begin(socket: WebSocket, id: string): void;
  /** A frame graphql-ws has handed to the socket (socket-adapter.ts): a running operation's `complete` ends it. */
  sent(socket: WebSocket, frame: string): void;
  /** From graphql-ws `onComplete` when no `complete` follows (the client completed the operation itself). */
  end(socket: WebSocket, id: string): void;
  /** Resolves once the socket runs none and its last `complete` is written, or once it has closed. */
  settled(socket: WebSocket): Promise<void>;
}

// A `complete` frame is `{"id":…,"type":"complete"}`, its id at most MAX_OPERATION_ID_LENGTH characters
// (each escaped in at most 6): longer frames (results) are not parsed to look for one.
const MAX_COMPLETE_FRAME_LENGTH = 64 + 6 * MAX_OPERATION_ID_LENGTH;

const completedId = (frame: string): string | undefined => {
  if (frame.length > MAX_COMPLETE_FRAME_LENGTH || !frame.includes(MessageType.Complete)) return undefined;
  try {
    const message = parseMessage(frame);
    return message.type === MessageType.Complete ? message.id : undefined;
  } catch {
    return undefined;
  }
};

export const createSocketOperations = (): SocketOperations => {
  const running = new WeakMap<WebSocket, Set<string>>();
  const waiters = new WeakMap<WebSocket, (() => void)[]>();
  const end = (socket: WebSocket, id: string): void => {
    const ids = running.get(socket);
    if (!ids?.delete(id) || ids.size > 0) return;
    running.delete(socket);
    // The last `complete` has been handed to ws, which writes frames in order: closing the socket now
    // cannot overtake it.
    const wake = waiters.get(socket) ?? [];
    waiters.delete(socket);
    for (const resolve of wake) resolve();
  };
  return {
    begin(socket, id) {
      let ids = running.get(socket);
      if (!ids) running.set(socket, (ids = new Set()));
      ids.add(id);
    },
    sent(socket, frame) {
      if (!running.has(socket)) return;
      const id = completedId(frame);
      if (id !== undefined) end(socket, id);
    },
    end,
    settled(socket) {
      if (!running.has(socket) || socket.readyState !== socket.OPEN) return Promise.resolve();
      return new Promise((resolve) => {
        waiters.set(socket, [...(waiters.get(socket) ?? []), resolve]);
        socket.once('close', () => resolve());
      });
    },
  };
};

export interface DrainOptions {
  sockets: Iterable<WebSocket>;
  /** Resolves once `socket` may be closed: what it runs has answered and what it owes is written. */
  settled: (socket: WebSocket) => Promise<void>;
  clock: Clock;
  /** Sockets not settled by then are closed anyway. */
  operationsDeadlineAt: number;
  /** Peers that have not answered the close frame by then are cut (ws itself would wait 30 s). */
  closeDeadlineAt: number;
}

/** Closes every socket with 1001 once it has settled, each on its own; resolves when all are closed. */
export const drainSockets = async ({ sockets, settled, clock, operationsDeadlineAt, closeDeadlineAt }: DrainOptions): Promise<void> => {
  const all = [...sockets];
  const closed = Promise.all(
    all.map((socket) => (socket.readyState === socket.CLOSED ? undefined : new Promise<void>((resolve) => socket.once('close', () => resolve())))),
  );
  await Promise.all(
    all.map(async (socket) => {
      await settlesBy(settled(socket), clock, operationsDeadlineAt);
      if (socket.readyState === socket.OPEN) socket.close(GOING_AWAY, 'Server shutting down');
    }),
  );
  if (await settlesBy(closed, clock, closeDeadlineAt)) return;
  for (const socket of all) if (socket.readyState !== socket.CLOSED) socket.terminate();
  await closed;
};
