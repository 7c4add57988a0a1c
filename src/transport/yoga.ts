import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { SlowConsumerEvent } from './slow-consumer.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../lib/clock.js';
import type { Context } from '../resolvers/context.js';
import { useErrorCodes } from './plugins/use-error-codes.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useParamsDepth } from './plugins/use-params-depth.js';
import { useCodedRefusals } from './plugins/use-coded-refusals.js';
import { useSseSendBound } from './plugins/use-sse-send-bound.js';
import type { InitialContext } from './create-context.js';
import type { UserConnectionSlots } from './connection-limits.js';
import type { OriginPolicy } from './origin-policy.js';
import { useStreamConnectionLimit } from './plugins/use-stream-connection-limit.js';
import { useStreamExpiry } from './plugins/use-stream-expiry.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useWellFormedStrings } from './plugins/use-well-formed-strings.js';
import { useHttpCaching } from './plugins/use-http-caching.js';
import { useRetryAfter } from './plugins/use-retry-after.js';
import { loadTrustedDocuments, useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useJit } from './plugins/use-jit.js';
import { useAccessToken } from './plugins/use-access-token.js';
import { useLastEventId } from './plugins/use-last-event-id.js';
import { createSseEvents } from './plugins/use-sse-events.js';
import { createGraphiql } from './graphiql.js';

import { GRAPHQL_PATH } from '../protocol/index.js';
import { maskUnexpected } from '../errors/graphql-errors.js';

export { GRAPHQL_PATH };

export interface YogaDeps {
  config: Config;
  schema: GraphQLSchema;
  logger: Logger;
  clock: Clock;
  context: (initial: InitialContext) => Promise<Context>;
  isReady: () => Promise<boolean>;
  origins: OriginPolicy;
  /** Shared with graphql-ws: SSE streams count against the same per-user limit as sockets. */
  connectionSlots: UserConnectionSlots;
  /** An SSE stream was cut off for not reading (it is logged and counted by the caller). */
  onSlowConsumer: (event: SlowConsumerEvent) => void;
  /** More plugins (logs, metrics), after the ones that give errors their codes so that they see the codes. */
  plugins?: Plugin[];
  /**
   * Plugins left out, by name: only bench/publish/profile.ts does this, to measure each one's cost per
   * request. A server always runs all of them.
   */
  omitPlugins?: ReadonlySet<string>;
}

export type RoomcastYoga = YogaServerInstance<InitialContext, Context>;

/** Keeps the plugins whose name is not in `omit`. */
export const withoutPlugins = <P>(named: Record<string, P>, omit: ReadonlySet<string> | undefined): P[] =>
  Object.entries(named).flatMap(([name, plugin]) => (omit?.has(name) ? [] : [plugin]));

export const createRoomcastYoga = ({ config, schema, logger, clock, context, isReady, origins, connectionSlots, onSlowConsumer, plugins = [], omitPlugins }: YogaDeps): RoomcastYoga => {
  // One decision for every transport (config.ts): graphql-ws's subscriptions mask with the same value.
  const { exposeInternals } = config;
  const trusted = loadTrustedDocuments();
  const sseEvents = createSseEvents({ heartbeatMs: config.sseHeartbeatMs, clock });
  const graphiql = createGraphiql({ schema, config, clock });
  return createYoga<InitialContext, Context>({
    schema: sseEvents.wrapSchema(schema),
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    // The HTTP server refuses bodies over MAX_BODY_BYTES before yoga sees them (http-server.ts). Yoga's own
    // limit would wrap every request body in a TransformStream and a second Request: ~8% of the CPU of a
    // small mutation, to enforce a larger limit than ours.
    maxRequestBodySize: false,
    context,
    cors: origins.cors,
    // Thrown RoomcastErrors pass with their code; anything else becomes INTERNAL_SERVER_ERROR, with the
    // original error attached only when internals may be shown (development on a loopback HOST). The
    // flag is always passed: yoga's own default would read process.env.NODE_ENV.
    maskedErrors: { isDev: exposeInternals, maskError: (error, message) => maskUnexpected(error, message, exposeInternals) },
    // graphiql.ts: subscriptions over SSE, the schema in the page, a token ready in development.
    renderGraphiQL: graphiql.render,
    graphiql: graphiql.options,
    logging: {
      debug: (...args) => logger.debug({ args }, 'yoga'),
      info: (...args) => logger.info({ args }, 'yoga'),
      warn: (...args) => logger.warn({ args }, 'yoga'),
      error: (...args) => logger.error({ args }, 'yoga'),
    },
    // Order matters (the comments say why); the names are for bench/publish/profile.ts only.
    plugins: [
      ...withoutPlugins(
        {
          // First: no other hook may walk variables before their depth is known to be bounded.
          paramsDepth: useParamsDepth(config.limits.maxVariablesDepth),
          // Before anything reads the request: a token in the URL where it may not be is refused outright.
          accessToken: useAccessToken(),
          trustedDocuments: useTrustedDocuments(trusted),
          // Before useErrorCodes: its errors are made to look like graphql-js's before anyone reads them.
          ...(config.graphqlJit ? { jit: useJit(new Set(trusted.values())) } : {}),
          queryLimits: useQueryLimits(config.limits, { exposeSuggestions: exposeInternals }),
          errorCodes: useErrorCodes(),
          wellFormedStrings: useWellFormedStrings(schema),
        },
        omitPlugins,
      ),
      ...plugins,
      ...withoutPlugins(
        {
          readiness: useReadiness({ path: '/readyz', isReady }),
          streamConnectionLimit: useStreamConnectionLimit(connectionSlots, config.limits.maxConnectionsPerUser),
          // SSE ids first, so that they mark the results as graphql-js produces them (before expiry wraps them).
          sseEvents: sseEvents.plugin,
          lastEventId: useLastEventId(),
          streamExpiry: useStreamExpiry(clock),
          codedRefusals: useCodedRefusals(),
          // Partners (docs/partners.md): a refused read says when to retry; history over GET is cacheable.
          retryAfter: useRetryAfter(),
          httpCaching: useHttpCaching({ maxAgeSec: config.historyCacheMaxAgeSec }),
          sseSendBound: useSseSendBound({
            maxBufferedBytes: config.limits.maxSocketBufferBytes,
            clock,
            onSlowConsumer,
          }),
        },
        omitPlugins,
      ),
    ],
  });
};
