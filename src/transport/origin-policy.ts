import type { CORSOptions } from 'graphql-yoga';

/**
 * `ALLOWED_ORIGINS` as one rule for both doors a browser page can use: the WebSocket upgrade (which the
 * same-origin policy does not protect, so a hostile page could open a socket as its visitor) and CORS.
 * Unset: any origin. A request without an Origin header does not come from a browser page and passes.
 */
export interface OriginPolicy {
  allows(origin: string | null | undefined): boolean;
  /** yoga's `cors` option: a listed origin gets a grant for itself; any other gets no CORS headers at all. */
  readonly cors: ((request: Request) => CORSOptions) | undefined;
}

export const createOriginPolicy = (allowedOrigins: readonly string[] | undefined): OriginPolicy => {
  if (allowedOrigins === undefined) return { allows: () => true, cors: undefined };
  const allowed = new Set(allowedOrigins);
  const allows = (origin: string | null | undefined) => origin === null || origin === undefined || allowed.has(origin);
  return {
    allows,
    // Never the list itself: given several origins and an unlisted one, yoga would answer
    // `Access-Control-Allow-Origin: null`, which grants sandboxed pages (whose Origin is "null").
    cors: (request: Request) => {
      const origin = request.headers.get('origin');
      return origin !== null && allowed.has(origin) ? { origin: [origin] } : false;
    },
  };
};
