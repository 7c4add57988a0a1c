// A value that changes over time and tells its listeners: the one shape every piece of client state
// (connection status, a room's messages, who is online, the countdown) is exposed in, so an app binds
// them all the same way.

export interface ObservableValue<T> {
  get(): T;
  /** Calls `listener` with the current value at once, then after every change. Returns the unsubscribe. */
  subscribe(listener: (value: T) => void): () => void;
}

export interface WritableValue<T> extends ObservableValue<T> {
  set(value: T): void;
}

export const createValue = <T>(initial: T, equals: (a: T, b: T) => boolean = Object.is): WritableValue<T> => {
  let current = initial;
  const listeners = new Set<(value: T) => void>();
  return {
    get: () => current,
    set(value) {
      if (equals(current, value)) return;
      current = value;
      // A listener that unsubscribes another during the loop must not skip or repeat anyone.
      for (const listener of [...listeners]) listener(value);
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(current);
      return () => listeners.delete(listener);
    },
  };
};
