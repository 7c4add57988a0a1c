import type { Plugin } from 'graphql-yoga';
import { isAsyncIterable } from '../../lib/is-async-iterable.js';
import type { Context } from '../../resolvers/context.js';
import { tooManyConnections, type UserConnectionSlots } from '../connection-limits.js';

/**
 * Counts each subscription served over HTTP (an SSE stream: its own request, so its own connection in
 * yoga's "distinct connections" mode) against its user's `MAX_CONNECTIONS_PER_USER`, in the same slots as
 * graphql-ws sockets; over the limit it is answered with `LIMIT_EXCEEDED` and nothing is subscribed.
 * graphql-ws subscriptions never reach this hook (direct-subscriptions.ts delivers them, not yoga's
 * subscribe): their socket holds one slot for all of them.
 */
export const useStreamConnectionLimit = (slots: UserConnectionSlots, maxPerUser: number): Plugin<Context> => ({
  onSubscribe: ({ args, setResultAndStopExecution }) => {
    const release = slots.take(args.contextValue.principal.userId);
    if (!release) {
      setResultAndStopExecution({ errors: [tooManyConnections(maxPerUser)] });
      return undefined;
    }
    return {
      // A refused subscription (an error result, no stream) holds nothing; a stream holds its slot until it
      // ends, which yoga brings about when the client goes away.
      onSubscribeResult: ({ result }) => {
        if (isAsyncIterable(result)) return { onEnd: release };
        release();
        return undefined;
      },
    };
  },
});
