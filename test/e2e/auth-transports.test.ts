// Missing, forged and expired tokens over HTTP, SSE and graphql-ws, against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient as createSseClient } from 'graphql-sse';
import { signToken } from '../../src/auth/jwt.js';
import { gql } from '../helpers/graphql-http.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const badTokens = async (): Promise<[string, string | undefined][]> => [
  ['missing', undefined],
  ['forged', await signToken({ secret: 'some-other-secret-entirely', userId: 'mallory' })],
  ['expired', await tokenFor('alice', 'Alice', -60)],
  ['garbage', 'not.a.jwt'],
];

/** Runs one SSE subscription to its end; resolves with what arrived. */
const sseRun = async (url: string, token: string | undefined, query: string) => {
  const client = createSseClient({ url, headers: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
  const payloads: { data?: unknown; errors?: { extensions?: { code?: string } }[] }[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('SSE subscription did not end')), 5_000);
      client.subscribe(
        { query },
        {
          next: (payload) => payloads.push(payload as (typeof payloads)[number]),
          error: (error: unknown) => {
            clearTimeout(timer);
            // graphql-sse reports a refused request (401) as a NetworkError holding the unread response,
            // whose body carries the server's errors as an SSE `next` event (or plain JSON).
            const response = (error as { response?: Response }).response;
            if (!response) {
              reject(error instanceof Error ? error : new Error(String(error)));
              return;
            }
            void response.text().then((text) => {
              const json = text.split('\n').find((line) => line.startsWith('data: {'))?.slice('data: '.length) ?? text;
              payloads.push(JSON.parse(json) as (typeof payloads)[number]);
              resolve();
            }, reject);
          },
          complete: () => {
            clearTimeout(timer);
            resolve();
          },
        },
      );
    });
  } finally {
    client.dispose();
  }
  return payloads;
};

describe('authentication on every transport', () => {
  let server: ServerProcess;
  let roomId: string;
  before(async () => {
    server = await startServer();
    const { body } = await gql<{ createRoom: { id: string } }>(server.url, {
      token: await tokenFor('alice'),
      query: 'mutation { createRoom(input: { name: "auth" }) { id } }',
    });
    roomId = body.data?.createRoom.id ?? '';
    assert.ok(roomId);
  });
  after(() => server.stop());

  it('HTTP: a valid token is the viewer; the name claim defaults to the id', async () => {
    const named = await gql(server.url, { token: await tokenFor('alice', 'Alice A'), query: '{ viewer { id name } }' });
    assert.deepEqual(named.body.data, { viewer: { id: 'alice', name: 'Alice A' } });
    const unnamed = await gql(server.url, { token: await tokenFor('bob'), query: '{ viewer { id name } }' });
    assert.deepEqual(unnamed.body.data, { viewer: { id: 'bob', name: 'bob' } });
  });

  it('HTTP: missing, forged, expired and garbage tokens get UNAUTHENTICATED (401)', async () => {
    for (const [kind, token] of await badTokens()) {
      const { status, body } = await gql(server.url, { ...(token ? { token } : {}), query: '{ viewer { id } }' });
      assert.equal(body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', kind);
      assert.equal(status, 401, kind);
      assert.equal(body.data ?? null, null, kind);
    }
    const malformedHeader = await gql(server.url, { query: '{ viewer { id } }', headers: { authorization: 'Basic abc' } });
    assert.equal(malformedHeader.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  it('SSE: a valid token streams; bad tokens get UNAUTHENTICATED and no data', async () => {
    const token = await tokenFor('alice');
    const client = createSseClient({ url: server.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const received: unknown[] = [];
    const stop = client.subscribe(
      { query: `subscription { messageAdded(roomId: "${roomId}") { body } }` },
      { next: (payload) => received.push(payload), error: () => undefined, complete: () => undefined },
    );
    // Live-only: keep sending until one arrives, so the test does not depend on when the stream started.
    await waitFor(
      async () => {
        await gql(server.url, { token, query: `mutation { sendMessage(input: { roomId: "${roomId}", body: "over sse" }) { seq } }` });
        return received.length > 0;
      },
      { what: 'a message over SSE', intervalMs: 100 },
    );
    assert.deepEqual(received[0], { data: { messageAdded: { body: 'over sse' } } });
    stop();
    client.dispose();

    for (const [kind, bad] of await badTokens()) {
      const payloads = await sseRun(server.url, bad, `subscription { messageAdded(roomId: "${roomId}") { body } }`);
      assert.ok(payloads.length > 0, kind);
      assert.ok(payloads.every((payload) => payload.data === undefined || payload.data === null), `${kind}: no data`);
      assert.equal(payloads[0]?.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', kind);
    }
  });

  it('graphql-ws: bad tokens are closed with 4403 before any subscription starts', async () => {
    for (const [kind, token] of await badTokens()) {
      const ws = connectWs(server.wsUrl, token);
      const subscription = ws.subscribe(`subscription { messageAdded(roomId: "${roomId}") { body } }`);
      await waitFor(() => ws.closeCodes.length > 0, { what: `${kind}: socket closed` });
      assert.deepEqual(ws.closeCodes, [4403], kind);
      assert.deepEqual(subscription.items, [], `${kind}: nothing delivered`);
      await ws.dispose();
    }
  });

  it('graphql-ws: a valid token subscribes', async () => {
    const token = await tokenFor('alice');
    const ws = connectWs(server.wsUrl, token);
    const viewer = ws.subscribe<{ viewer: { id: string } }>('{ viewer { id } }');
    await viewer.waitForCount(1);
    assert.deepEqual(viewer.items, [{ viewer: { id: 'alice' } }]);
    await ws.dispose();
  });
});
