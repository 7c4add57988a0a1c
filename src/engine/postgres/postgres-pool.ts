import pg from 'pg';

export interface PoolOptions {
  readonly url: string;
  /** How long opening a connection (or waiting for a free one) may take before the call fails. */
  readonly connectTimeoutMs: number;
  /** How long one statement may run on the server (and be waited for here) before it fails. */
  readonly statementTimeoutMs: number;
  readonly poolSize: number;
  readonly onError: (error: Error) => void;
}

/** What the record families need: one statement at a time, each in its own implicit transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>>;
}

/**
 * A `pg` pool whose every wait is bounded: connecting (`connectionTimeoutMillis`, also the wait for a
 * free connection), each statement on the server (`statement_timeout`) and, for a server that stops
 * answering without closing the socket, the wait here (`query_timeout`, a little longer so that the
 * server's own timeout normally wins and the connection stays usable).
 */
export const createPool = (options: PoolOptions): pg.Pool => {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1_000,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
    application_name: 'roomcast',
  });
  // An idle connection that the server closes (a restart, a kill) emits here; without a listener the
  // process would crash. The pool drops that connection and opens a new one on demand.
  pool.on('error', (error) => options.onError(error));
  return pool;
};

/** Runs `work` on one connection inside BEGIN/COMMIT (ROLLBACK on any error). */
export const inTransaction = async <T>(pool: pg.Pool, work: (client: Queryable) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: a connection lost mid-transaction would emit an
  // unhandled 'error'. The failing query rejects anyway; remember the error to discard the connection.
  let lost: Error | undefined;
  const onLost = (error: Error) => (lost = error);
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!lost) await client.query('ROLLBACK').catch((rollbackError: Error) => (lost = rollbackError));
    throw error;
  } finally {
    client.off('error', onLost);
    // Passing an error destroys the connection instead of returning it to the pool.
    client.release(lost);
  }
};
