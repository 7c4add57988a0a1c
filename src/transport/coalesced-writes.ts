import type { Socket } from 'node:net';

/**
 * Frames written to one connection within one tick leave together, in one `writev`, instead of one
 * syscall each: the first write of a tick corks the TCP socket and the end of the tick uncorks it.
 *
 * Nothing waits: the uncork runs at the end of the current tick (after its promise jobs, before any I/O
 * is polled), so a lone frame on an idle socket goes out as soon as it would have anyway. A writer that
 * does not pause for whenFlushed is still flushed every FLUSH_BYTES, so corking never holds more than
 * that in user space on its account.
 */
const FLUSH_BYTES = 64 * 1024;

const corked = new WeakSet<Socket>();

const release = (socket: Socket): void => {
  if (!corked.delete(socket)) return;
  socket.uncork();
};

export const writeCoalesced = (socket: Socket, write: () => void): void => {
  if (!corked.has(socket)) {
    corked.add(socket);
    socket.cork();
    process.nextTick(release, socket);
  }
  write();
  if (socket.writableLength >= FLUSH_BYTES) release(socket);
};

/**
 * Resolves once `socket` has written out what it holds, at once when the kernel has taken everything, or
 * when the socket closes. A writer of many frames in a row (a replay) awaits it after each frame, so that
 * it runs at the reader's pace: a large resume to a reader on a slow link is paused, not cut off by the
 * slow-consumer bound, and a reader that stopped is left to the keep-alive, which ends it.
 */
export const whenFlushed = (socket: Socket): Promise<void> | undefined => {
  if (!socket.writableNeedDrain || socket.destroyed) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
};
