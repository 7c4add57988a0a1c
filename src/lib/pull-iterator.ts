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

/**
 * The same contract as a base class, for iterators that keep their state in fields (one per subscriber:
 * prototype methods instead of a closure each). `return` and `throw` close; `close` must be idempotent.
 */
export abstract class ClosingIterator<T> implements AsyncIterableIterator<T> {
  abstract next(): Promise<IteratorResult<T, undefined>>;

  protected abstract close(): Promise<void>;

  async return(): Promise<IteratorResult<T, undefined>> {
    await this.close();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.close();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
