/**
 * An async iterator from a `next` and a `close`. Hand-written iterators, not async generators: a
 * generator parked on `await` cannot be returned until that await settles, so a consumer that leaves a
 * quiet stream would leak whatever the stream holds. `close` must be idempotent.
 */
export const pullIterator = <T>(next: () => Promise<IteratorResult<T, undefined>>, close: () => Promise<void>): AsyncIterableIterator<T> => {
  const iterator: AsyncIterableIterator<T> = {
    next,
    async return() {
      await close();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
};
