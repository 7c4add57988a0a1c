import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';

// migrations/ sits at the repository root; src/ and dist/ are at the same depth, so this holds in both.
export const migrationsDir = fileURLToPath(new URL('../../../migrations', import.meta.url));

/**
 * Applies the pending versioned SQL files of migrations/ in one transaction, under node-pg-migrate's
 * advisory lock in `wait` mode: instances that start together queue on the lock, the first applies the
 * files, and the others then find nothing to do. Bounded by the connect and statement timeouts.
 */
export const migrate = async (options: { url: string; connectTimeoutMs: number; statementTimeoutMs: number }): Promise<void> => {
  await runner({
    databaseUrl: {
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      statement_timeout: options.statementTimeoutMs,
      application_name: 'roomcast-migrate',
    },
    dir: migrationsDir,
    migrationsTable: 'pgmigrations',
    direction: 'up',
    advisoryLockMode: 'wait',
    singleTransaction: true,
    checkOrder: true,
    // The runner logs every step to console by default; a server logs JSON through pino instead.
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
};
