// Secrets and internals (issue 15, item 5). The published development JWT secret is refused outside
// development; an unexpected error is INTERNAL_SERVER_ERROR with no stack or internals on every
// transport (HTTP, graphql-ws, SSE) unless NODE_ENV=development is set and HOST is loopback.
//
// A genuine internal error in a real server: PostgreSQL refuses the server's role its tables (privileges
// revoked once the rooms exist), so each read fails with "permission denied", which is not ours and is
// masked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { DEV_JWT_SECRET } from '../../src/config/config.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { runServerExpectingExit, startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const EX_CONFIG = 78;
const ROOM_QUERY = 'query($id: ID!) { room(id: $id) { id name } }';
const MESSAGE_ADDED = 'subscription($id: ID!) { messageAdded(roomId: $id) { id } }';
// What the refusal would show: PostgreSQL's message, the driver's error class, a stack through node_modules.
const INTERNALS = /permission denied|DatabaseError|node_modules|\bat \w/;

interface GraphqlError {
  message?: string;
  extensions?: { code?: unknown; originalError?: { message?: unknown; stack?: unknown }; [key: string]: unknown };
}

const errorsOf = (value: unknown): GraphqlError[] => {
  if (Array.isArray(value)) return value as GraphqlError[]; // graphql-ws hands an `error` message's errors as an array
  const errors = (value as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as GraphqlError[]) : [];
};

/** What one server answers, on every transport, once PostgreSQL refuses it its tables. */
interface Answers {
  http: GraphqlError[];
  wsQuery: GraphqlError[];
  wsSubscription: GraphqlError[];
  sse: GraphqlError[];
  /** The socket of a subscriber whose context could not be built (a user record write) is closed: its reason. */
  wsCloseReason: string;
  /** Everything above as text, to search for internals anywhere. */
  raw: string;
}

const answersOf = async (server: ServerProcess, roomId: string, token: string, freshToken: string): Promise<Answers> => {
  const http = await gql(server.url, { token, query: ROOM_QUERY, variables: { id: roomId } });

  const ws = connectWs(server.wsUrl, token);
  const query = ws.subscribe(ROOM_QUERY, { id: roomId });
  const subscription = ws.subscribe(MESSAGE_ADDED, { id: roomId });
  await query.waitForComplete(10_000);
  await waitFor(() => subscription.payloads.length + subscription.errors.length > 0, { timeoutMs: 10_000, what: 'the graphql-ws subscription to fail' });
  await ws.dispose();

  const fresh = connectWs(server.wsUrl, freshToken);
  const refused = fresh.subscribe(MESSAGE_ADDED, { id: roomId });
  await refused.waitForComplete(10_000);
  await fresh.dispose();
  const close = refused.errors[0] as { code?: unknown; reason?: unknown } | undefined;
  assert.equal(close?.code, 4500, `a socket whose context fails closes with 4500: ${JSON.stringify(refused.errors)}`);

  const sse = subscribeSse(server.url, token, { query: MESSAGE_ADDED, variables: { id: roomId } });
  await sse.waitForEnd(10_000);
  sse.dispose();

  const answers = {
    http: errorsOf(http.body),
    wsQuery: query.payloads.flatMap(errorsOf),
    wsSubscription: [...subscription.payloads.flatMap(errorsOf), ...subscription.errors.flatMap(errorsOf)],
    sse: [...sse.payloads, ...sse.refusals].flatMap(errorsOf),
    wsCloseReason: String(close?.reason),
  };
  return { ...answers, raw: JSON.stringify(answers) };
};

const assertAllInternal = (answers: Answers) => {
  for (const transport of ['http', 'wsQuery', 'wsSubscription', 'sse'] as const) {
    const errors = answers[transport];
    assert.ok(errors.length > 0, `${transport}: an error arrives: ${answers.raw}`);
    for (const error of errors) assert.equal(error.extensions?.code, 'INTERNAL_SERVER_ERROR', `${transport}: ${JSON.stringify(error)}`);
  }
};

const APP_ROLE = 'roomcast_app';

/** A database the server reaches as a role of its own (not the superuser), which owns what it migrates. */
const appDatabase = async (postgres: PostgresServer): Promise<string> => {
  const url = new URL(await createDatabase(postgres));
  const database = url.pathname.slice(1);
  await asSuperuser(postgres, database, async (client) => {
    await client.query(`ALTER DATABASE ${database} OWNER TO ${APP_ROLE}`);
    await client.query(`ALTER SCHEMA public OWNER TO ${APP_ROLE}`);
  });
  url.username = APP_ROLE;
  return url.toString();
};

const asSuperuser = async (postgres: PostgresServer, database: string, work: (client: pg.Client) => Promise<void>) => {
  const client = new pg.Client({ connectionString: `${postgres.url.replace(/\/postgres$/, '')}/${database}` });
  // A connection PostgreSQL ends (it is stopped after the tests) must not crash the test process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
};

// The server is refused its tables from the moment this runs: rooms are created before.
const refuseTables = async (postgres: PostgresServer, databaseUrl: string) =>
  asSuperuser(postgres, new URL(databaseUrl).pathname.slice(1), async (client) => {
    for (const table of ['rooms', 'users']) {
      await client.query(`ALTER TABLE ${table} OWNER TO postgres`);
      await client.query(`REVOKE ALL ON ${table} FROM ${APP_ROLE}`);
    }
  });

describe('the published development secret', () => {
  it('is refused at start with NODE_ENV=production, test or unset, with a message naming it, and exit status 78', async () => {
    for (const nodeEnv of ['production', 'test', undefined]) {
      const refused = await runServerExpectingExit({ NODE_ENV: nodeEnv, JWT_SECRET: DEV_JWT_SECRET });
      assert.equal(refused.code, EX_CONFIG, `NODE_ENV=${nodeEnv}: ${refused.stderr}`);
      assert.match(refused.stderr, /JWT_SECRET: is the public development secret.*NODE_ENV=development/, `NODE_ENV=${nodeEnv}`);
    }
  });

  it('is accepted with NODE_ENV=development, with a warning', async (t) => {
    const server = await startServer({ env: { NODE_ENV: 'development', JWT_SECRET: DEV_JWT_SECRET } });
    t.after(() => server.stop());
    assert.ok(server.output().some((line) => line.includes('public development secret')), server.output().join('\n'));
  });
});

describe('INTERNAL_SERVER_ERROR over HTTP, graphql-ws and SSE', () => {
  let postgres: PostgresServer;
  const databases: string[] = [];
  const servers: Record<'unset' | 'developmentLoopback' | 'developmentAnyHost', { server: ServerProcess; roomId: string }> = {} as never; // filled in before()
  let token: string;
  let freshToken: string;

  before(async () => {
    postgres = await startPostgres();
    // The role is cluster-wide: made once, before the servers start in parallel.
    await asSuperuser(postgres, 'postgres', async (client) => {
      await client.query(`CREATE ROLE ${APP_ROLE} LOGIN`);
    });
    const start = async (env: Record<string, string | undefined>) => {
      const databaseUrl = await appDatabase(postgres);
      databases.push(databaseUrl);
      return startServer({ env: { DATABASE_URL: databaseUrl, ...env } });
    };
    const [unset, developmentLoopback, developmentAnyHost] = await Promise.all([
      start({ NODE_ENV: undefined }),
      start({ NODE_ENV: 'development', HOST: '127.0.0.1' }),
      start({ NODE_ENV: 'development', HOST: '0.0.0.0' }),
    ]);
    [token, freshToken] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('mallory', 'Mallory')]);
    for (const [name, server] of Object.entries({ unset, developmentLoopback, developmentAnyHost })) {
      if (!server) continue;
      const room = await createRoom(server.url, token, { name: `internals ${name}` });
      servers[name as keyof typeof servers] = { server, roomId: room.id };
    }
    for (const databaseUrl of databases) await refuseTables(postgres, databaseUrl);
  });
  after(async () => {
    await Promise.all(Object.values(servers).map(({ server }) => server.stop()));
    await postgres?.stop();
  });

  for (const [name, label] of [
    ['unset', 'with NODE_ENV unset'],
    ['developmentAnyHost', 'with NODE_ENV=development on a non-loopback HOST (0.0.0.0)'],
  ] as const) {
    it(`${label}: the code, and no stack, originalError or internals anywhere`, async () => {
      const { server, roomId } = servers[name];
      const answers = await answersOf(server, roomId, token, freshToken);
      assertAllInternal(answers);
      assert.doesNotMatch(answers.raw, /originalError|stack/, answers.raw);
      assert.doesNotMatch(answers.raw, INTERNALS, answers.raw);
      assert.equal(answers.wsCloseReason, 'Internal server error');
    });
  }

  it('with NODE_ENV=development on 127.0.0.1: the original error and its stack, on every transport', async () => {
    const { server, roomId } = servers.developmentLoopback;
    const answers = await answersOf(server, roomId, token, freshToken);
    assertAllInternal(answers);
    for (const transport of ['http', 'wsQuery', 'wsSubscription', 'sse'] as const) {
      const original = answers[transport][0]?.extensions?.originalError;
      assert.match(String(original?.message), /permission denied/, `${transport}: ${answers.raw}`);
      assert.match(String(original?.stack), /node_modules\/pg/, `${transport}: ${answers.raw}`);
    }
    assert.match(answers.wsCloseReason, /permission denied/);
  });
});
