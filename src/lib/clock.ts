/** The only place that reads the wall clock or schedules; tests pass a manual clock instead. */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};

/** The system clock for upkeep that must not hold a process open on its own (Node's `unref`). */
export const backgroundClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return () => clearTimeout(handle);
  },
};

/** A clock that only moves when told to: `advance(ms)` runs every callback that falls due, in order. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export const createManualClock = (startMs = 1_700_000_000_000): ManualClock => {
  let nowMs = startMs;
  let nextId = 0;
  const pending = new Map<number, { dueMs: number; fn: () => void }>();
  return {
    now: () => nowMs,
    setTimeout(fn, ms) {
      const id = nextId++;
      pending.set(id, { dueMs: nowMs + Math.max(0, ms), fn });
      return () => pending.delete(id);
    },
    advance(ms) {
      const targetMs = nowMs + ms;
      for (;;) {
        let earliest: [number, { dueMs: number; fn: () => void }] | undefined;
        for (const entry of pending) {
          if (entry[1].dueMs <= targetMs && (!earliest || entry[1].dueMs < earliest[1].dueMs)) earliest = entry;
        }
        if (!earliest) break;
        pending.delete(earliest[0]);
        nowMs = earliest[1].dueMs;
        earliest[1].fn();
      }
      nowMs = targetMs;
    },
  };
};
