// The client's only source of time. Injected so tests and the typing notifier can run on a manual clock;
// the countdown never reads it (remaining time comes from the server).

export interface ClientClock {
  now(): number;
  /** Runs `fn` after `ms`; returns the cancel. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClientClock: ClientClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};
