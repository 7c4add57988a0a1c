import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, RoomcastError } from '../../errors/index.js';
import type { Clock } from '../../lib/clock.js';
import { endingAt } from '../../lib/ending-at.js';
import { isAsyncIterable } from '../../lib/is-async-iterable.js';
import type { Context } from '../../resolvers/context.js';

/**
 * An SSE stream lives no longer than the token it was opened with: at the token's `exp` it gets a last
 * `next` event with an UNAUTHENTICATED error, then `complete`, and its subscription is released at once,
 * so nothing published after `exp` reaches it. A graphql-ws socket is closed with 4403 at `exp` instead
 * (connection-identity.ts); its subscriptions never reach this hook (direct-subscriptions.ts delivers them).
 * A token without `exp` never expires, here as everywhere.
 */
export const useStreamExpiry = (clock: Clock): Plugin<Context> => ({
  onSubscribe: ({ args }) => ({
    onSubscribeResult: ({ result, setResult }) => {
      const { expiresAt } = args.contextValue.principal;
      if (expiresAt === undefined || !isAsyncIterable(result)) return;
      const last: ExecutionResult = { errors: [new RoomcastError(ErrorCode.Unauthenticated, 'Token expired: subscribe again with a fresh token')] };
      setResult(endingAt(result[Symbol.asyncIterator](), expiresAt, clock, last));
    },
  }),
});
