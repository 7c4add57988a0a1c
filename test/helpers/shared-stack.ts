// The many-instances topology for end-to-end tests: a real PostgreSQL (the store of record) and a real
// redis-server (live delivery, presence, limits), each on a free loopback port, with a fresh database.
// Server processes started with `env` share them and act as one server.
import { createDatabase, startPostgres, type PostgresServer } from './postgres-server.js';
import { startRedis, type RedisServer } from './redis-server.js';

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
