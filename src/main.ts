// Composition root: the only module that reads process.env or names an engine implementation.
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { composeEngine } from './engine/compose-engine.js';
import { createMemoryRealtime } from './engine/memory/memory-realtime.js';
import { createMemoryStore } from './engine/memory/memory-store.js';
import { createPostgresStore } from './engine/postgres/postgres-store.js';
import { createRedisRealtime } from './engine/redis/redis-realtime.js';
import type { Engine, Realtime, Store } from './engine/types.js';
import { systemClock } from './lib/clock.js';
import { createLogger } from './observability/logger.js';
import { createPrometheusMetrics } from './observability/prometheus-metrics.js';
import { addressInUseMessage, isAddressInUse, startBanner } from './observability/start-banner.js';

// The demo's build output, which /demo serves (src/ and dist/ sit at the same depth).
const DEMO_INDEX = new URL('../examples/quiz-room/dist/index.html', import.meta.url);

const readConfig = (): Config => {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`roomcast: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
};

const config = readConfig();
const logger = createLogger(config.logLevel);
// Created before the engine, whose failures and deliveries it counts.
const metrics = createPrometheusMetrics({ clock: systemClock });
const engineFailed = (what: string, level: 'warn' | 'error') => (error: unknown) => {
  metrics.engineError();
  logger[level]({ err: error }, what);
};

if (config.usingDevSecret) {
  logger.warn('JWT_SECRET is unset or the public development secret: anyone can sign tokens for this server. Development only.');
}

// The topologies of the contract: nothing set, all in this process; DATABASE_URL, a durable single
// instance; DATABASE_URL + REDIS_URL, many instances as one server (REDIS_URL alone is refused by config).
const createStore = async (): Promise<Store> => {
  if (config.databaseUrl === undefined) return createMemoryStore();
  return createPostgresStore({
    url: config.databaseUrl,
    poolSize: config.database.poolSize,
    connectTimeoutMs: config.database.timeoutMs,
    statementTimeoutMs: config.database.timeoutMs,
    timerPollMs: config.database.timerPollMs,
    onError: engineFailed('postgres store', 'warn'),
  });
};

const createRealtime = async (): Promise<Realtime> => {
  if (config.redisUrl === undefined) {
    return createMemoryRealtime({ onListenerError: engineFailed('room listener failed', 'error'), onFanout: metrics.fannedOut });
  }
  return createRedisRealtime({
    url: config.redisUrl,
    keyPrefix: config.redis.keyPrefix,
    clock: systemClock,
    presenceGraceMs: config.limits.presenceGraceMs,
    presenceTtlMs: config.redis.presenceTtlMs,
    onError: engineFailed('redis realtime', 'warn'),
    onFanout: metrics.fannedOut,
  });
};

const createEngine = async (): Promise<Engine> => {
  const store = await createStore();
  try {
    return composeEngine(store, await createRealtime());
  } catch (error) {
    await store.close();
    throw error;
  }
};

const engine = await createEngine().catch((error: unknown) => {
  logger.fatal({ err: error }, 'engine could not start');
  process.exit(1);
});
const app = createApp({ config, engine, clock: systemClock, logger, metrics });
const { port, url } = await app.listen().catch(async (error: unknown) => {
  // The most common first-run failure: one line naming PORT, not a stack trace.
  if (!isAddressInUse(error)) throw error;
  process.stderr.write(addressInUseMessage(config.host, config.port));
  await engine.close().catch(() => undefined);
  process.exit(1);
});
logger.info({ port, url, engine: engine.kind }, 'listening');
logger.flush(); // at once: supervisors and scripts wait for this line
if (process.stdout.isTTY) {
  process.stdout.write(startBanner({ graphqlUrl: url, engine: engine.kind, demoBuilt: existsSync(DEMO_INDEX) }));
}

// SIGTERM or SIGINT: drain (see App.close), release the engine, exit 0. The process is gone by the
// deadline whatever happens (exit 1 then); a second signal exits at once (128 + its number).
let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(128 + constants.signals[signal]);
  }
  stopping = true;
  const startedAt = systemClock.now();
  const deadlineAt = startedAt + config.shutdownTimeoutMs;
  logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
  systemClock.setTimeout(() => {
    logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown deadline passed: exiting');
    process.exit(1);
  }, config.shutdownTimeoutMs);
  try {
    await app.close({ deadlineAt });
    await engine.close();
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
  logger.info({ ms: systemClock.now() - startedAt }, 'stopped');
  process.exit(0);
};
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
