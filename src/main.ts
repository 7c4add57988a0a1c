// Composition root: the only module that reads process.env or names an engine implementation.
import { pino } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createMemoryEngine } from './engine/memory/memory-engine.js';
import { createRedisEngine } from './engine/redis/redis-engine.js';
import type { Engine } from './engine/types.js';
import { systemClock } from './lib/clock.js';

const SHUTDOWN_DEADLINE_MS = 10_000;

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
const logger = pino({ level: config.logLevel, base: { service: 'roomcast' } });

if (config.usingDevSecret) {
  logger.warn('JWT_SECRET is not set: using the public development secret. Never do this in production.');
}

const createEngine = async (): Promise<Engine> => {
  if (config.redisUrl === undefined) {
    return createMemoryEngine({ onListenerError: (error) => logger.error({ err: error }, 'room listener failed') });
  }
  return createRedisEngine({
    url: config.redisUrl,
    keyPrefix: config.redis.keyPrefix,
    clock: systemClock,
    presenceGraceMs: config.limits.presenceGraceMs,
    presenceTtlMs: config.redis.presenceTtlMs,
    timerPollMs: config.redis.timerPollMs,
    onError: (error) => logger.warn({ err: error }, 'redis engine'),
  });
};

const engine = await createEngine().catch((error: unknown) => {
  logger.fatal({ err: error }, 'engine could not start');
  process.exit(1);
});
const app = createApp({ config, engine, clock: systemClock, logger });
const { port, url } = await app.listen();
logger.info({ port, url, engine: engine.kind }, 'listening');

let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => {
    logger.error('shutdown deadline passed: exiting');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  deadline.unref();
  await app.close();
  await engine.close();
  logger.info('stopped');
  process.exit(0);
};
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));
