import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors/index.js';
import type { Metrics } from './metrics.js';
import { isAsyncIterable } from '../lib/is-async-iterable.js';
import { operationInfo, outcomeOf } from './operation-info.js';

const countRefusals = (metrics: Metrics, result: ExecutionResult): void => {
  for (const error of result.errors ?? []) {
    const limit = error.extensions?.['limit'];
    if (error.extensions?.['code'] === ErrorCode.RateLimited && typeof limit === 'string') metrics.rateLimited(limit);
  }
};

/**
 * Metrics of what runs through yoga's envelop: queries and mutations from both transports (by type and
 * outcome, and the rate-limit refusals among them), and subscriptions over HTTP (SSE: the stream, its
 * field, each event written). graphql-ws subscriptions bypass envelop and are counted where they are
 * written (transport/direct-subscriptions.ts).
 */
export const useOperationMetrics = (metrics: Metrics): Plugin => ({
  onExecute: ({ args }) => ({
    onExecuteDone({ result }) {
      if (isAsyncIterable(result)) return;
      const single = result as ExecutionResult; // not an async iterable: a single result
      metrics.operation(operationInfo(args.document, args.operationName).type, outcomeOf(single));
      countRefusals(metrics, single);
    },
  }),
  onSubscribe: ({ args }) => ({
    onSubscribeResult({ result }) {
      if (!isAsyncIterable(result)) return;
      const field = operationInfo(args.document, args.operationName).field ?? 'unknown';
      metrics.connectionOpened('sse');
      metrics.subscriptionOpened(field);
      const frames = metrics.frames.sse;
      return {
        onNext: () => {
          frames.count += 1;
        },
        onEnd: () => {
          metrics.connectionClosed('sse');
          metrics.subscriptionClosed(field);
        },
      };
    },
  }),
});
