import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createTokenVerifier } from './auth/jwt.js';
import { createApiKeyHasher } from './auth/api-key-secret.js';
import { createApiKeyVerifier } from './auth/api-key-verifier.js';
import { withApiKeys } from './auth/credential-verifier.js';
import { guardSchema } from './auth/scope-guard.js';
import { KeyStream } from './services/partners/api-keys-revocation.js';
import type { StreamItem } from './services/room-stream.js';
import type { Config } from './config/config.js';
import type { Engine } from './engine/types.js';
import type { Clock } from './lib/clock.js';
import { settlesBy } from './lib/deadline.js';
import { randomId } from './lib/random-id.js';
import type { Metrics } from './observability/metrics.js';
import { createPrometheusMetrics } from './observability/prometheus-metrics.js';
import { useMetricsEndpoint } from './observability/use-metrics-endpoint.js';
import { useOperationMetrics } from './observability/use-operation-metrics.js';
import { useRequestLog } from './observability/use-request-log.js';
import { passBusBarrier } from './services/bus-barrier.js';
import { createServices, type Services } from './services/index.js';
import { createContextFactory } from './transport/create-context.js';
import { attachGraphqlWs } from './transport/graphql-ws.js';
import { trackHttpResponses } from './transport/http-drain.js';
import { createHttpServer } from './transport/http-server.js';
import { createHttpStreams } from './transport/plugins/use-stream-cut.js';
import { createPendingAnswers } from './transport/plugins/use-pending-answers.js';
import { createUserConnectionSlots } from './transport/connection-limits.js';
import { createOriginPolicy } from './transport/origin-policy.js';
import { createUpgradeGuard } from './transport/upgrade-guard.js';
import { createClientAddress } from './transport/client-address.js';
import { buildExecutableSchema } from './transport/schema.js';
import { createRoomcastYoga, GRAPHQL_PATH, withoutPlugins } from './transport/yoga.js';
import type { SlowConsumerEvent } from './transport/slow-consumer.js';

export interface AppDeps {
  config: Config;
  engine: Engine;
  clock: Clock;
  logger: Logger;
  /** Shared with the engine's hooks by main.ts; a fresh registry when absent. */
  metrics?: Metrics;
  /** Per-request plugins left out by name (transport/yoga.ts): bench/publish/profile.ts only. */
  omitPlugins?: ReadonlySet<string>;
}

export interface App {
  readonly services: Services;
  readonly metrics: Metrics;
  /** Starts listening on the configured host and port (0: any free port). */
  listen(): Promise<{ port: number; url: string }>;
  /**
   * Drains: `/readyz` answers 503; no new connection or upgrade is accepted, idle keep-alive connections
   * close and every response from now on says `Connection: close`; queries and mutations in flight finish
   * and answer, over HTTP and over graphql-ws; what they published reaches this instance's own
   * subscribers (the bus echoes a marker, then each graphql-ws subscription has written what its stream
   * received); only then are HTTP subscription streams cut and sockets closed with 1001; then background
   * work stops. Resolves once every connection is closed. Waits still pending `CLOSE_MARGIN_MS` before
   * `deadlineAt` are abandoned so that sockets still get their 1001; an HTTP request that never finishes
   * keeps this pending (main.ts exits non-zero at the deadline). Does not close the engine.
   */
  close(options?: { deadlineAt?: number }): Promise<void>;
}

// Left at the end of the shutdown budget for closing handshakes and releasing the engine.
const CLOSE_MARGIN_MS = 1_000;

/** Wires transports, resolvers and services over an engine. Used by main.ts and by tests. */
// How often an open key stream asks the store whether its key was revoked, when the bus did not say so.
const KEY_REVOCATION_POLL_MS = 2_000;

export const createApp = ({ config, engine, clock, logger, metrics = createPrometheusMetrics({ clock }), omitPlugins }: AppDeps): App => {
  const keyHasher = createApiKeyHasher({ hashSecret: config.apiKeys.hashSecret, jwtSecret: config.jwtSecret });
  const services = createServices({
    apiKeys: { hasher: keyHasher, adminUserIds: config.adminUserIds },
    engine,
    clock,
    limits: config.limits,
    onError: (error) => logger.error({ err: error }, 'background task failed'),
    onTimerEmit: (idealAt, emittedAt) => metrics.timerEmitted(idealAt, emittedAt),
    adminUserIds: config.adminUserIds,
    webhooks: config.webhooks,
  });
  // Scopes and admin rights in the schema itself: every transport executes this one.
  const schema = guardSchema(buildExecutableSchema(), {
    adminUserIds: config.adminUserIds,
    keyReads: engine.rateLimiter({ name: 'key-reads', ...config.apiKeys.reads }),
    guardKeyStream: (principal, stream) =>
      new KeyStream(stream[Symbol.asyncIterator]() as AsyncIterator<StreamItem, undefined>, { // room streams yield StreamItems
        keyId: principal.keyId,
        revocations: services.keyRevocations,
        clock,
        pollMs: KEY_REVOCATION_POLL_MS,
      }),
  });
  metrics.preset({
    subscriptionFields: Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
    writeClasses: Object.keys(config.limits.writeBudgets),
  });
  metrics.countTimersRunning(() => engine.timers.countRunning());
  const verifier = withApiKeys(
    createTokenVerifier(config.jwtSecret, () => clock.now()),
    createApiKeyVerifier({
      keys: engine.apiKeys,
      hasher: keyHasher,
      now: () => clock.now(),
      onError: (error) => logger.warn({ err: error }, 'recording an API key’s lastUsedAt failed'),
    }),
  );
  const context = createContextFactory({ verifier, services, clock });
  const streams = createHttpStreams();
  const answers = createPendingAnswers();
  let draining = false;
  const origins = createOriginPolicy(config.allowedOrigins);
  const connectionSlots = createUserConnectionSlots(config.limits.maxConnectionsPerUser);
  const onSlowConsumer = (event: SlowConsumerEvent) => {
    logger.warn(event, 'slow consumer disconnected');
    metrics.slowConsumerCut(event.transport === 'graphql-ws' ? 'ws' : 'sse');
  };
  const yoga = createRoomcastYoga({
    onSlowConsumer,
    config,
    schema,
    logger,
    clock,
    context,
    origins,
    connectionSlots,
    isReady: async () => {
      if (draining) return false;
      try {
        await engine.ping();
        return true;
      } catch {
        return false;
      }
    },
    plugins: [
      ...withoutPlugins({ requestLog: useRequestLog({ logger, clock }), operationMetrics: useOperationMetrics(metrics) }, omitPlugins),
      streams.plugin,
      answers.plugin,
      ...(config.metricsEnabled ? [useMetricsEndpoint(metrics)] : []),
    ],
    omitPlugins,
  });
  const httpServer = createHttpServer(yoga, config.limits, clock);
  const http = trackHttpResponses(httpServer);
  const ws = attachGraphqlWs({
    httpServer,
    yoga,
    verifier,
    logger,
    clock,
    maxPayloadBytes: config.limits.maxBodyBytes,
    maxSocketBufferBytes: config.limits.maxSocketBufferBytes,
    onSlowConsumer,
    keepAliveMs: config.limits.keepAliveMs,
    exposeInternals: config.exposeInternals,
    closeTimeoutMs: config.limits.wsCloseTimeoutMs,
    context,
    metrics,
    verifyUpgrade: createUpgradeGuard({
      origins,
      attempts: engine.rateLimiter({ name: 'connections', ...config.limits.connectionAttempts }),
      clientAddress: createClientAddress(config.trustedProxies),
      logger,
    }),
    connectionSlots,
    limits: config.limits,
  });

  return {
    services,
    metrics,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          httpServer.off('error', reject);
          const { port } = httpServer.address() as AddressInfo; // listening on TCP, so an AddressInfo
          // Timers left running by an earlier process (or by other instances) carry on from here.
          void services.start();
          resolve({ port, url: `http://${config.host}:${port}${GRAPHQL_PATH}` });
        });
      }),
    async close({ deadlineAt = clock.now() + config.shutdownTimeoutMs } = {}) {
      draining = true;
      const operationsDeadlineAt = deadlineAt - CLOSE_MARGIN_MS;
      const httpClosed = http.drain();
      ws.stopAccepting();
      // A write acknowledged before the stop reaches this instance's live subscribers before their
      // sockets close: writes in flight on either transport finish (and so have published), then the bus
      // delivers everything published so far, then (in ws.close) each socket's subscriptions write it.
      await settlesBy(Promise.all([answers.settled(), ws.operationsSettled()]), clock, operationsDeadlineAt);
      await settlesBy(passBusBarrier(engine.bus, `shutdown-barrier:${randomId('app')}`), clock, operationsDeadlineAt);
      streams.cutAll();
      await ws.close({ operationsDeadlineAt, closeDeadlineAt: deadlineAt - CLOSE_MARGIN_MS / 2 });
      await httpClosed;
      await services.stop();
    },
  };
};
