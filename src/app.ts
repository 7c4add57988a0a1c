import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createTokenVerifier } from './auth/jwt.js';
import type { Config } from './config/config.js';
import type { Engine } from './engine/types.js';
import type { Clock } from './lib/clock.js';
import { createServices, type Services } from './services/index.js';
import { createContextFactory } from './transport/create-context.js';
import { attachGraphqlWs } from './transport/graphql-ws.js';
import { createHttpServer } from './transport/http-server.js';
import { createUserConnectionSlots } from './transport/connection-limits.js';
import { createOriginPolicy } from './transport/origin-policy.js';
import { createUpgradeGuard } from './transport/upgrade-guard.js';
import { buildExecutableSchema } from './transport/schema.js';
import { createRoomcastYoga, GRAPHQL_PATH } from './transport/yoga.js';

export interface AppDeps {
  config: Config;
  engine: Engine;
  clock: Clock;
  logger: Logger;
}

export interface App {
  readonly services: Services;
  /** Starts listening on the configured host and port (0: any free port). */
  listen(): Promise<{ port: number; url: string }>;
  /** Stops accepting, closes sockets with 1001, then closes the HTTP server. Does not close the engine. */
  close(): Promise<void>;
}

/** Wires transports, resolvers and services over an engine. Used by main.ts and by tests. */
export const createApp = ({ config, engine, clock, logger }: AppDeps): App => {
  const services = createServices({
    engine,
    clock,
    limits: config.limits,
    onError: (error) => logger.error({ err: error }, 'background task failed'),
  });
  const verifier = createTokenVerifier(config.jwtSecret, () => clock.now());
  const context = createContextFactory({ verifier, services, clock });
  const origins = createOriginPolicy(config.allowedOrigins);
  const connectionSlots = createUserConnectionSlots(config.limits.maxConnectionsPerUser);
  const yoga = createRoomcastYoga({
    config,
    schema: buildExecutableSchema(),
    logger,
    clock,
    context,
    origins,
    connectionSlots,
    isReady: async () => {
      try {
        await engine.ping();
        return true;
      } catch {
        return false;
      }
    },
  });
  const httpServer = createHttpServer(yoga, config.limits.maxBodyBytes);
  const ws = attachGraphqlWs({
    httpServer,
    yoga,
    verifier,
    logger,
    clock,
    maxPayloadBytes: config.limits.maxBodyBytes,
    maxSocketBufferBytes: config.limits.maxSocketBufferBytes,
    keepAliveMs: config.limits.keepAliveMs,
    context,
    verifyUpgrade: createUpgradeGuard({
      origins,
      attempts: engine.rateLimiter({ name: 'connections', ...config.limits.connectionAttempts }),
      logger,
    }),
    connectionSlots,
    limits: config.limits,
  });

  return {
    services,
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
    async close() {
      services.stop();
      await ws.close();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeIdleConnections();
      });
    },
  };
};
