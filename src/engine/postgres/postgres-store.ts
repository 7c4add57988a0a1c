import type { Store } from '../types.js';
import { createPostgresApiKeyStore } from './postgres-api-keys.js';
import { migrate } from './postgres-migrate.js';
import { createPool } from './postgres-pool.js';
import { createPostgresMessageStore } from './postgres-messages.js';
import { createPostgresReceiptStore } from './postgres-receipts.js';
import { createPostgresRoomStore } from './postgres-rooms.js';
import { createPostgresTimerStore } from './postgres-timers.js';
import { engineUnavailable, failFast, isUnavailable } from './postgres-unavailable.js';
import { createPostgresUserStore } from './postgres-users.js';
import { createPostgresWebhookStore } from './postgres-webhooks.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  readonly url: string;
  /** How often each timer scheduler polls the shared schedule (see `Store.timerPollMs`). */
  readonly timerPollMs: number;
  /** Errors of idle connections (the database restarted, a connection was cut); never thrown. */
  readonly onError: (error: Error) => void;
  /** Opening a connection, or waiting for a free one, fails after this long. */
  readonly connectTimeoutMs: number;
  /** A statement fails after this long (on the server, and here if the server stops answering). */
  readonly statementTimeoutMs: number;
  readonly poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;

/**
 * The durable half of the engine on PostgreSQL. Applies pending migrations first (safe when several
 * instances start together), then reads the database's epoch. Every method that cannot reach the
 * database within the timeouts throws ENGINE_UNAVAILABLE.
 */
export const createPostgresStore = async (options: PostgresStoreOptions): Promise<Store> => {
  try {
    await migrate(options);
  } catch (error) {
    if (isUnavailable(error)) throw engineUnavailable();
    throw error;
  }
  const pool = createPool({
    url: options.url,
    connectTimeoutMs: options.connectTimeoutMs,
    statementTimeoutMs: options.statementTimeoutMs,
    poolSize: options.poolSize ?? DEFAULT_POOL_SIZE,
    onError: options.onError,
  });
  try {
    const { rows } = await pool.query<{ epoch: string }>('SELECT epoch FROM meta');
    const epoch = rows[0]?.epoch;
    if (!epoch) throw new Error('the meta table has no epoch row (was migrations/0001_initial.sql applied?)');
    let closed = false;
    return {
      kind: 'postgres',
      epoch,
      timerPollMs: options.timerPollMs,
      users: failFast(createPostgresUserStore(pool)),
      rooms: failFast(createPostgresRoomStore(pool)),
      messages: failFast(createPostgresMessageStore(pool)),
      timers: failFast(createPostgresTimerStore(pool, pool)),
      receipts: failFast(createPostgresReceiptStore(pool)),
      webhooks: failFast(createPostgresWebhookStore(pool)),
      apiKeys: failFast(createPostgresApiKeyStore(pool)),
      async ping() {
        try {
          await pool.query('SELECT 1');
        } catch (error) {
          if (isUnavailable(error)) throw engineUnavailable();
          throw error;
        }
      },
      async close() {
        if (closed) return;
        closed = true;
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (isUnavailable(error)) throw engineUnavailable();
    throw error;
  }
};
