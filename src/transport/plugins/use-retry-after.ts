import type { Plugin } from 'graphql-yoga';
import { isFetchRequest } from './fetch-request.js';
import { ErrorCode } from '../../errors/index.js';

/**
 * `Retry-After` (seconds, rounded up) on an HTTP answer refused as `RATE_LIMITED`, from the error's
 * `retryAfterMs`: HTTP clients and proxies then back off without reading the body.
 */
export const useRetryAfter = (): Plugin => {
  const waits = new WeakMap<Request, number>();
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        const request = (args.contextValue as { request?: unknown }).request; // yoga's context carries its Request
        if (!isFetchRequest(request) || Symbol.asyncIterator in result) return;
        for (const error of result.errors ?? []) {
          const { code, retryAfterMs } = error.extensions;
          if (code === ErrorCode.RateLimited && typeof retryAfterMs === 'number') {
            waits.set(request, Math.max(waits.get(request) ?? 0, retryAfterMs));
          }
        }
      },
    }),
    onResponse: ({ request, response }) => {
      const waitMs = waits.get(request);
      if (waitMs !== undefined) response.headers.set('retry-after', String(Math.max(1, Math.ceil(waitMs / 1000))));
    },
  };
};
