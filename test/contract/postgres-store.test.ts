import { after, before } from 'node:test';
import { createPostgresStore } from '../../src/engine/postgres/postgres-store.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { storeContract } from './store-contract.js';

let server: PostgresServer;
let databaseUrl: string;
before(async () => {
  server = await startPostgres();
  databaseUrl = await createDatabase(server);
});
after(() => server.stop());

// Every test gets a store of its own on one database, as instances share one in production.
storeContract('postgres', async () => {
  const store = await createPostgresStore({ url: databaseUrl, timerPollMs: 250, onError: () => undefined, connectTimeoutMs: 2_000, statementTimeoutMs: 5_000 });
  return { store, close: () => store.close() };
});
