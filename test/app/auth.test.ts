// Bearer tokens on every transport (HTTP, SSE, graphql-ws) against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signToken } from '../../src/auth/jwt.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { TEST_SECRET, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

/** [kind, token]: no token, one signed with another secret, one that expired a minute ago. */
const badTokens = async (): Promise<[string, string | undefined][]> => [
  ['missing', undefined],
  ['forged', await signToken({ secret: 'not-the-server-secret-0123456789', userId: 'mallory' })],
  ['expired', await signToken({ secret: TEST_SECRET, userId: 'alice', expiresInSec: -60 })],
];

describe('auth', () => {
  let server: AppFixture;
  let roomId: string;
  before(async () => {
    server = await startServer();
    roomId = (await createRoom(server.url, await tokenFor('alice'), { name: 'auth room' })).id;
  });
  after(() => server.stop());

  it('a valid token is the viewer: id is sub, name is the name claim', async () => {
    const { status, body } = await gql(server.url, { token: await tokenFor('alice', 'Alice Liddell'), query: '{ viewer { id name } }' });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { viewer: { id: 'alice', name: 'Alice Liddell' } });
  });

  it('the name defaults to the id', async () => {
    const { body } = await gql(server.url, { token: await tokenFor('bob'), query: '{ viewer { id name } }' });
    assert.deepEqual(body.data, { viewer: { id: 'bob', name: 'bob' } });
  });

  it('HTTP: missing, forged and expired tokens get UNAUTHENTICATED with status 401 and no data', async () => {
    for (const [kind, token] of await badTokens()) {
      const { status, body } = await gql(server.url, { ...(token === undefined ? {} : { token }), query: '{ viewer { id name } }' });
      assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', kind);
      assert.equal(status, 401, kind);
      assert.equal(body.data ?? null, null, `${kind}: no data`);
    }
  });

  it('SSE: missing, forged and expired tokens get UNAUTHENTICATED and no data', async () => {
    for (const [kind, token] of await badTokens()) {
      const sub = subscribeSse<{ messageAdded: { seq: number } }>(server.url, token, {
        query: 'subscription($r: ID!) { messageAdded(roomId: $r) { seq } }',
        variables: { r: roomId },
      });
      try {
        await sub.waitForEnd();
        assert.ok(sub.codes().includes('UNAUTHENTICATED'), `${kind}: codes ${JSON.stringify(sub.codes())}`);
        assert.deepEqual(sub.items, [], `${kind}: no data`);
        assert.ok(
          [...sub.payloads, ...sub.refusals].every((payload) => payload.data === undefined || payload.data === null),
          `${kind}: no data in any payload`,
        );
      } finally {
        sub.dispose();
      }
    }
  });

  it('graphql-ws: missing, forged and expired tokens close the socket with 4403 before any subscription starts', async () => {
    for (const [kind, token] of await badTokens()) {
      const ws = connectWs(server.wsUrl, token);
      try {
        const sub = ws.subscribe<{ messageAdded: { seq: number } }>('subscription($r: ID!) { messageAdded(roomId: $r) { seq } }', { r: roomId });
        await waitFor(() => ws.closeCodes.length > 0, { timeoutMs: 5_000, what: `${kind}: the socket to close` });
        assert.deepEqual(ws.closeCodes, [4403], kind);
        await sub.waitForComplete();
        assert.deepEqual(sub.items, [], `${kind}: nothing delivered`);
        assert.equal(sub.errors.length, 1, `${kind}: the subscription ends with the close`);
      } finally {
        await ws.dispose();
      }
    }
  });

  it('graphql-ws: a valid token is accepted and runs operations', async () => {
    const ws = connectWs(server.wsUrl, await tokenFor('carol', 'Carol'));
    try {
      const viewer = ws.subscribe<{ viewer: { id: string; name: string } }>('{ viewer { id name } }');
      await viewer.waitForCount(1);
      await viewer.waitForComplete();
      assert.deepEqual(viewer.items, [{ viewer: { id: 'carol', name: 'Carol' } }]);
      assert.deepEqual(viewer.errors, []);
      // A lazy client closes with 1000 once its last operation is done; never with 4403.
      assert.ok(!ws.closeCodes.includes(4403), `close codes ${JSON.stringify(ws.closeCodes)}`);
    } finally {
      await ws.dispose();
    }
  });
});
