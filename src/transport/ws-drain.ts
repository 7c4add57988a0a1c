import type { WebSocket } from 'ws';
import type { Clock } from '../lib/clock.js';
import { settlesBy } from '../lib/deadline.js';
import { CloseCode } from '../protocol/index.js';
import { afterCompleteWritten } from './internals/graphql-ws-internals.js';

/** The close code a server sends when it goes away (RFC 6455): clients reconnect, to another instance. */
export const GOING_AWAY = CloseCode.GoingAway;

/**
 * The queries and mutations each graphql-ws socket is running, so that shutdown lets them answer before
 * it closes the socket. Only sockets running one hold an entry (idle subscribers cost nothing).
 */
export interface SocketOperations {
  begin(socket: WebSocket, id: string): void;
  /** From graphql-ws `onComplete`, which it awaits just before writing `complete`. */
  end(socket: WebSocket, id: string): void;
  /** Resolves once the socket runs none and its last `complete` is written, or once it has closed. */
  settled(socket: WebSocket): Promise<void>;
}

export const createSocketOperations = (): SocketOperations => {
  const running = new WeakMap<WebSocket, Set<string>>();
  const waiters = new WeakMap<WebSocket, (() => void)[]>();
  return {
    begin(socket, id) {
      let ids = running.get(socket);
      if (!ids) running.set(socket, (ids = new Set()));
      ids.add(id);
    },
    end(socket, id) {
      const ids = running.get(socket);
      if (!ids?.delete(id) || ids.size > 0) return;
      running.delete(socket);
      // Waiters are woken once the `complete` is written, so that closing the socket never overtakes it.
      afterCompleteWritten(() => {
        if (running.has(socket)) return;
        const wake = waiters.get(socket) ?? [];
        waiters.delete(socket);
        for (const resolve of wake) resolve();
      });
    },
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
