// Secrets and internals (issue 15, item 5). The published development JWT secret is refused outside
// development; an unexpected error is INTERNAL_SERVER_ERROR with no stack or internals on every
// transport (HTTP, graphql-ws, SSE) unless NODE_ENV=development is set and HOST is loopback.
//
// A genuine internal error in a real server: Redis refuses every key to the server's user (an ACL
// without key patterns), so each read answers a NOPERM ReplyError, which is not ours and is masked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { DEV_JWT_SECRET } from '../../src/config/config.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { runServerExpectingExit, startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const EX_CONFIG = 78;
const ROOM_QUERY = 'query($id: ID!) { room(id: $id) { id name } }';
const MESSAGE_ADDED = 'subscription($id: ID!) { messageAdded(roomId: $id) { id } }';
// What the NOPERM error would show: the reply, its class, a stack through node_modules.
const INTERNALS = /NOPERM|ReplyError|node_modules|\bat \w/;

interface GraphqlError {
  message?: string;
  extensions?: { code?: unknown; originalError?: { message?: unknown; stack?: unknown }; [key: string]: unknown };
}

const errorsOf = (value: unknown): GraphqlError[] => {
  if (Array.isArray(value)) return value as GraphqlError[]; // graphql-ws hands an `error` message's errors as an array
  const errors = (value as { errors?: unknown } | null)?.errors;
  return Array.isArray(errors) ? (errors as GraphqlError[]) : [];
};

/** What one server answers, on every transport, once Redis refuses it every key. */
interface Answers {
  http: GraphqlError[];
  wsQuery: GraphqlError[];
  wsSubscription: GraphqlError[];
  sse: GraphqlError[];
  /** The socket of a subscriber whose context could not be built (a Redis write) is closed: its reason. */
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

// Every server refuses keys from the moment this runs: rooms are created before.
const refuseEveryKey = async (redis: RedisServer) => {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    await client.call('ACL', 'SETUSER', 'default', 'resetkeys');
  } finally {
    client.disconnect();
  }
};

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
  let redis: RedisServer;
  const servers: Record<'unset' | 'developmentLoopback' | 'developmentAnyHost', { server: ServerProcess; roomId: string }> = {} as never; // filled in before()
  let token: string;
  let freshToken: string;

  before(async () => {
    redis = await startRedis();
    const start = (prefix: string, env: Record<string, string | undefined>) => startServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix, ...env } });
    const [unset, developmentLoopback, developmentAnyHost] = await Promise.all([
      start('internals-unset', { NODE_ENV: undefined }),
      start('internals-dev', { NODE_ENV: 'development', HOST: '127.0.0.1' }),
      start('internals-dev-any', { NODE_ENV: 'development', HOST: '0.0.0.0' }),
    ]);
    [token, freshToken] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('mallory', 'Mallory')]);
    for (const [name, server] of Object.entries({ unset, developmentLoopback, developmentAnyHost })) {
      if (!server) continue;
      const room = await createRoom(server.url, token, { name: `internals ${name}` });
      servers[name as keyof typeof servers] = { server, roomId: room.id };
    }
    await refuseEveryKey(redis);
  });
  after(async () => {
    await Promise.all(Object.values(servers).map(({ server }) => server.stop()));
    await redis?.stop();
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
      assert.match(String(original?.message), /NOPERM/, `${transport}: ${answers.raw}`);
      assert.match(String(original?.stack), /ReplyError/, `${transport}: ${answers.raw}`);
    }
    assert.match(answers.wsCloseReason, /NOPERM/);
  });
});
