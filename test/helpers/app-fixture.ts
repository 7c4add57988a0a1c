// The server in the test's own process: createApp over the memory engine, listening on a free port, its
// log lines kept in memory. For every test that is about what a client sees rather than about processes
// (kill -9, SIGTERM, npm start, several instances, which use server-process.ts). It answers the same
// shape as startServer, so a test moves here by changing its import.
import type { DestinationStream } from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { composeEngine } from '../../src/engine/compose-engine.js';
import { createMemoryRealtime } from '../../src/engine/memory/memory-realtime.js';
import { createMemoryStore } from '../../src/engine/memory/memory-store.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/observability/logger.js';
import { createPrometheusMetrics } from '../../src/observability/prometheus-metrics.js';
import { TEST_ENV, type ServerEnv } from './server-process.js';

export interface AppFixture {
  port: number;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  app: App;
  /** Every log line so far (pino JSON), as a server process would have printed them. */
  output(): string[];
  /** What SIGTERM does to a server process: drain and close the app, then release the engine. */
  stop(): Promise<void>;
}

/** Starts the app on the memory engine with the same environment a test server process gets. */
export const startServer = async (options: { env?: ServerEnv } = {}): Promise<AppFixture> => {
  const config = loadConfig({ ...TEST_ENV, ...options.env });
  if (config.databaseUrl !== undefined || config.redisUrl !== undefined) {
    throw new Error('app-fixture runs the memory engine; PostgreSQL and Redis tests start server processes');
  }
  const lines: string[] = [];
  let partial = '';
  const destination: DestinationStream = {
    write(chunk: string) {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts);
    },
  };
  const logger = createLogger(config.logLevel, destination);
  const metrics = createPrometheusMetrics({ clock: systemClock });
  const engine = composeEngine(
    createMemoryStore(),
    createMemoryRealtime({ onListenerError: (error) => logger.error({ err: error }, 'room listener failed'), onFanout: metrics.fannedOut }),
  );
  const app = createApp({ config, engine, clock: systemClock, logger, metrics });
  const { port, url } = await app.listen();
  logger.info({ port, url, engine: engine.kind }, 'listening');
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    app,
    output: () => [...lines],
    stop: () =>
      (stopped ??= (async () => {
        await app.close();
        await engine.close();
      })()),
  };
};
