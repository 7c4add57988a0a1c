import type { Socket } from 'node:net';

/**
 * Frames written to one connection within one tick leave together, in one `writev`, instead of one
 * syscall each: the first write of a tick corks the TCP socket and the end of the tick uncorks it.
 *
 * Nothing waits: the uncork runs at the end of the current tick (after its promise jobs, before any I/O
 * is polled), so a lone frame on an idle socket goes out as soon as it would have anyway. A long burst
 * (a replay of thousands of messages runs in one tick on the memory engine) is flushed every
 * FLUSH_BYTES, so corking never holds more than that in user space on its account.
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
