// The many-instances topology for end-to-end tests: a real PostgreSQL (the store of record) and a real
// redis-server (live delivery, presence, limits), each on a free loopback port, with a fresh database.
// Server processes started with `env` share them and act as one server.
import { createDatabase, startPostgres, type PostgresServer } from './postgres-server.js';
import { startRedis, type RedisServer } from './redis-server.js';
import { startServer, type ServerEnv, type ServerProcess } from './server-process.js';

export interface SharedStack {
  redis: RedisServer;
  postgres: PostgresServer;
  /** `DATABASE_URL` and `REDIS_URL` for server processes. */
  env: { DATABASE_URL: string; REDIS_URL: string };
  /** Stops both by PID. */
  stop(): Promise<void>;
}

export const startSharedStack = async (options: { appendOnly?: boolean } = {}): Promise<SharedStack> => {
  const [redis, postgres] = await Promise.all([startRedis(options), startPostgres()]);
  const databaseUrl = await createDatabase(postgres);
  return {
    redis,
    postgres,
    env: { DATABASE_URL: databaseUrl, REDIS_URL: redis.url },
    stop: async () => {
      await Promise.all([redis.stop(), postgres.stop()]);
    },
  };
};

export interface TwoInstances {
  stack: SharedStack;
  a: ServerProcess;
  b: ServerProcess;
  /** Both servers, then the stack, by PID. */
  stop(): Promise<void>;
}

/** The shared stack and two server processes on it, started with the same `env` (the stack's URLs added). */
export const startTwoInstances = async (options: { appendOnly?: boolean; env: ServerEnv }): Promise<TwoInstances> => {
  const stack = await startSharedStack({ appendOnly: options.appendOnly });
  const started = await Promise.allSettled([0, 1].map(() => startServer({ env: { ...options.env, ...stack.env } })));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await stack.stop();
  };
  const [a, b] = servers;
  if (!a || !b) {
    await stop();
    throw started.find((result) => result.status === 'rejected')?.reason;
  }
  return { stack, a, b, stop };
};
