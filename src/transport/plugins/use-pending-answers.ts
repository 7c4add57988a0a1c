import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { nodeResponseOf } from '../internals/whatwg-node-internals.js';

export interface PendingAnswers {
  plugin: Plugin;
  /**
   * Resolves once every HTTP request received so far has its answer (for a stream, its headers: the
   * subscription is set up) or has gone away. A mutation is answered after it has published, so after
   * this every write acknowledged over HTTP has been published.
   */
  settled(): Promise<void>;
}

/**
 * Counts the HTTP requests whose answer yoga has not produced yet, from `onRequest` (before the body is
 * read: a request still arriving counts) to `onResponse`, or to the connection's end when there is none.
 * Shutdown waits on it before closing subscribers' sockets.
 */
export const createPendingAnswers = (): PendingAnswers => {
  const pending = new Set<ServerResponse>();
  let waiters: (() => void)[] = [];
  const answered = (res: ServerResponse): void => {
    if (!pending.delete(res) || pending.size > 0) return;
    const wake = waiters;
    waiters = [];
    for (const resolve of wake) resolve();
  };
  return {
    plugin: {
      onRequest: ({ serverContext }) => {
        const res = nodeResponseOf(serverContext);
        if (!res) return;
        pending.add(res);
        res.once('close', () => answered(res));
      },
      onResponse: ({ serverContext }) => {
        const res = nodeResponseOf(serverContext);
        if (res) answered(res);
      },
    },
    settled: () => (pending.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
};
