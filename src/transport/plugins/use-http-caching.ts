import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { isFetchRequest } from './fetch-request.js';
import { historyFinality } from '../../resolvers/history-pages.js';

// Per GET request that read history: whether the answer can never change (resolvers/history-pages.ts).
type Finality = WeakMap<Request, boolean>;

const matches = (ifNoneMatch: string | null, etag: string): boolean => {
  if (ifNoneMatch === null) return false;
  // RFC 9110 §13.1.2: a list of tags, compared weakly (W/ ignored), or `*`.
  return ifNoneMatch.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
};

/**
 * HTTP caching of history read over `GET /graphql` (partners, CONTRACT.md "Partner history over HTTP"):
 * a strong `ETag` over the body; `304` with no body when `If-None-Match` matches; `Cache-Control: private,
 * max-age=<maxAgeSec>` when every page in the answer can no longer change, else `private, no-cache` (a
 * cache may keep it but must revalidate); always `Vary: Authorization`, since who asks decides what is
 * seen. The query still runs for a 304: the tag is the answer's hash, so it is right whatever changed.
 */
export const useHttpCaching = (options: { maxAgeSec: number }): Plugin => {
  const finality: Finality = new WeakMap();
  return {
    onExecute: ({ args }) => ({
      onExecuteDone: ({ result }) => {
        const context = args.contextValue as { request?: unknown }; // yoga's context carries its Request
        const request = context.request;
        if (!isFetchRequest(request) || request.method !== 'GET') return;
        const final = historyFinality(args.contextValue);
        if (final === undefined) return;
        const clean = !(Symbol.asyncIterator in result) && (result.errors?.length ?? 0) === 0;
        finality.set(request, final && clean);
      },
    }),
    onResponse: async ({ request, response, setResponse, fetchAPI }) => {
      const final = finality.get(request);
      if (final === undefined || response.status !== 200) return;
      const body = await response.text();
      const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
      const headers = new fetchAPI.Headers(response.headers);
      headers.set('etag', etag);
      headers.set('cache-control', final ? `private, max-age=${options.maxAgeSec}` : 'private, no-cache');
      headers.append('vary', 'Authorization');
      if (matches(request.headers.get('if-none-match'), etag)) {
        headers.delete('content-type');
        headers.delete('content-length');
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new fetchAPI.Response(body, { status: 200, statusText: response.statusText, headers }));
    },
  };
};
