import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '../../lib/is-async-iterable.js';
import { nodeResponseOf } from '../internals/whatwg-node-internals.js';

interface OpenStream {
  cut(): void;
}

export interface HttpStreams {
  plugin: Plugin;
  /**
   * Ends every open HTTP subscription stream (SSE) the way a lost connection would, without `complete`:
   * the client treats it like a graphql-ws 1001 and resubscribes elsewhere from its last cursor. A
   * `complete` would tell it the subscription is over.
   */
  cutAll(): void;
  openCount(): number;
}

/** Keeps the HTTP subscription streams that are open, so that shutdown can end them. */
export const createHttpStreams = (): HttpStreams => {
  const open = new Set<OpenStream>();
  return {
    plugin: {
      onSubscribe: ({ args }) => ({
        onSubscribeResult({ result }) {
          if (!isAsyncIterable(result)) return;
          const res = nodeResponseOf(args.contextValue);
          const stream: OpenStream = {
            cut() {
              // The client resumes from the last event it received, so nothing still buffered is lost.
              res?.destroy();
              void result[Symbol.asyncIterator]().return?.();
            },
          };
          open.add(stream);
          return { onEnd: () => open.delete(stream) };
        },
      }),
    },
    cutAll() {
      for (const stream of open) stream.cut();
    },
    openCount: () => open.size,
  };
};
