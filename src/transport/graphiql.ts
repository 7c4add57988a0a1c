import { introspectionFromSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import type { GraphiQLOptions } from 'graphql-yoga';
import { queryTokenVerdict } from '../auth/access-token.js';
import { signToken } from '../auth/jwt.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';

/** Who the development Headers template signs in as, and for how long. */
export const GRAPHIQL_DEV_USER = { id: 'explorer', name: 'Explorer' } as const;
const DEV_TOKEN_TTL_SEC = 3_600;

const QUERY = 'query {\n  viewer { id name }\n  serverTime\n}\n';
const PASTE_A_TOKEN = '# Paste a token from `npm run token -- alice` into Headers:\n# {"Authorization": "Bearer <token>"}\n';
const DEV_TOKEN_READY = `# Development: Headers holds a token for "${GRAPHIQL_DEV_USER.id}", valid for an hour (reload for a new one).\n`;

// GraphiQL takes a `schema` prop (an introspection result); render-graphiql passes unknown options on to it.
type RenderOptions = GraphiQLOptions & { schema: IntrospectionQuery };

export interface Graphiql {
  /**
   * yoga's `graphiql` option: per request, so that each page gets a fresh development token. False (no
   * page) for a URL with `access_token`, which then goes on to be refused (use-access-token.ts).
   */
  options(request: Request): Promise<GraphiQLOptions | false>;
  /** yoga's `renderGraphiQL` option: the page, encoded. */
  render(options: GraphiQLOptions): Promise<Uint8Array<ArrayBuffer>>;
}

/**
 * GraphiQL as an explorer needs it (CONTRACT.md "GraphiQL"):
 * - subscriptions over SSE, which sends the Headers tab with every request; graphql-ws would send an empty
 *   `connection_init` (GraphiQL does not forward the Headers tab there) and be closed with 4403.
 * - the schema in the page itself, so Docs and completion work before any token is in the Headers tab,
 *   and no introspection is needed at all. GraphQL introspection still needs a token like every operation;
 *   the page shows the same SDL the repository publishes.
 * - with NODE_ENV=development, a Headers tab that already holds a short-lived token, so the first query
 *   just works (GraphiQL keeps what the Headers tab holds across reloads).
 * Its assets are served by this server (inlined), not fetched from a CDN, so it works offline and behind
 * strict firewalls. The bundle is ~9 MB of strings: loaded on the first visit only.
 */
export const createGraphiql = ({ schema, config, clock }: { schema: GraphQLSchema; config: Config; clock: Clock }): Graphiql => {
  let introspection: IntrospectionQuery | undefined;
  // The page is ~9 MB of template: built once for options seen before (all of them, outside development).
  // Kept encoded: turning 9 MB of string into bytes is most of what serving the page costs.
  let last: { key: string; page: Uint8Array<ArrayBuffer> } | undefined;
  const development = config.nodeEnv === 'development';
  return {
    async options(request) {
      if (queryTokenVerdict(request).kind !== 'none') return false;
      const base: GraphiQLOptions = { title: 'Roomcast', subscriptionsProtocol: 'SSE' };
      if (!development) return { ...base, defaultQuery: PASTE_A_TOKEN + QUERY };
      const token = await signToken({
        secret: config.jwtSecret,
        userId: GRAPHIQL_DEV_USER.id,
        name: GRAPHIQL_DEV_USER.name,
        expiresInSec: DEV_TOKEN_TTL_SEC,
        nowMs: clock.now(),
      });
      return { ...base, defaultQuery: DEV_TOKEN_READY + QUERY, headers: JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2) };
    },
    async render(options) {
      const key = JSON.stringify(options);
      if (last?.key === key) return last.page;
      introspection ??= introspectionFromSchema(schema);
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      const withSchema: RenderOptions = { ...options, schema: introspection };
      last = { key, page: new TextEncoder().encode(renderGraphiQL(withSchema)) };
      return last.page;
    },
  };
};
