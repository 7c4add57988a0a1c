// A graphql-ws socket lives no longer than its token, unless refreshAuth renews it on that socket, and an
// SSE stream no longer than the token it was opened with: a real server process, real graphql-ws and
// graphql-sse clients, tokens that expire within seconds.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { decodeJwt } from 'jose';
import WebSocket from 'ws';
import { signToken } from '../../src/auth/jwt.js';
import { createRoomcastClient, RoomcastClientError } from '../../client/index.js';
import { codeOf } from '../helpers/error-code.js';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { createRoom, MESSAGE_FIELDS, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { TEST_SECRET, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs, type TestWsClient } from '../helpers/ws-client.js';

const FORBIDDEN_CLOSE = 4403;
const REFRESH = 'mutation($t: String!) { refreshAuth(token: $t) { id name } }';
const MESSAGE_ADDED = `subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { ${MESSAGE_FIELDS} } }`;

/** `exp` of a token, in epoch ms. */
const expiryMs = (token: string): number => {
  const { exp } = decodeJwt(token);
  assert.ok(exp !== undefined, 'test tokens carry exp');
  return exp * 1000;
};

/** One query or mutation over the socket: its data items and error codes once it completed. */
const overSocket = async <T>(ws: TestWsClient, query: string, variables: Record<string, unknown> = {}) => {
  const operation = ws.subscribe<T>(query, variables);
  await operation.waitForComplete();
  return { items: operation.items, codes: operation.errorCodes() };
};

describe('token expiry on graphql-ws sockets and SSE streams', { concurrency: true }, () => {
  let server: AppFixture;
  let ownerToken: string;
  let roomId: string;
  let headCursor: string;
  before(async () => {
    server = await startServer();
    ownerToken = await tokenFor('owner', 'Owner');
    const create = 'mutation { createRoom(input: { name: "expiry" }) { id headCursor } }';
    ({ id: roomId, headCursor } = (await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, { token: ownerToken, query: create })).createRoom);
  });
  after(() => server.stop());

  /**
   * A socket for a fresh token of `userId` that expires in `expiresInSec`, holding a messageAdded
   * subscription proven live by one delivered message; disposed when the test ends.
   */
  const subscribedSocket = async (t: TestContext, userId: string, name: string, expiresInSec: number) => {
    const token = await tokenFor(userId, name, expiresInSec);
    const ws = connectWs(server.wsUrl, token);
    t.after(() => ws.dispose());
    // From the room's start, so the proof message arrives whenever the server starts the subscription.
    const sub = ws.subscribe<{ messageAdded: SentMessage }>(MESSAGE_ADDED, { r: roomId, a: headCursor });
    const proof = await sendMessage(server.url, ownerToken, { roomId, body: 'are you there' });
    await waitFor(() => sub.items.some((item) => item.messageAdded.id === proof.id), { timeoutMs: 5_000, what: 'the subscription to be live' });
    return { ws, sub, expMs: expiryMs(token) };
  };

  /** Waits (bounded by `expMs`) for the socket to be closed with 4403, and checks that it was not before `expMs`. */
  const expectClosedAt = async (ws: TestWsClient, expMs: number, what: string) => {
    await waitFor(() => ws.closeCodes.length > 0, { timeoutMs: expMs - Date.now() + 5_000, what });
    const closedAt = Date.now();
    assert.deepEqual(ws.closeCodes, [FORBIDDEN_CLOSE], what);
    assert.ok(closedAt >= expMs, `${what}: closed ${expMs - closedAt} ms before exp`);
  };

  it('closes a socket with 4403 when its token expires, ending its subscription', async (t) => {
    const { ws, sub, expMs } = await subscribedSocket(t, 'ann', 'Ann', 2);
    assert.equal(sub.completed(), false);

    await expectClosedAt(ws, expMs, 'the server to close the expired socket');
    await sub.waitForComplete();
    assert.equal(sub.errors.length, 1, 'the subscription ends with the close');
  });

  it('a socket that refreshed with a fresh token for the same user outlives the old exp, keeps its subscription and acts as the new token', async (t) => {
    const { ws, sub, expMs: oldExpMs } = await subscribedSocket(t, 'ben', 'Ben', 3);

    // Short too (but later than the old exp), so the test also sees the close move to the new exp.
    const fresh = await tokenFor('ben', 'Benjamin', 6);
    const newExpMs = expiryMs(fresh);
    assert.ok(newExpMs > oldExpMs + 1_000);
    assert.ok(Date.now() < oldExpMs, 'the refresh is sent before the old exp');
    const refreshed = await overSocket<{ refreshAuth: { id: string; name: string } }>(ws, REFRESH, { t: fresh });
    assert.deepEqual(refreshed, { items: [{ refreshAuth: { id: 'ben', name: 'Benjamin' } }], codes: [] });

    await waitFor(() => Date.now() > oldExpMs + 500, { timeoutMs: oldExpMs - Date.now() + 2_000, what: 'the old exp to pass' });
    assert.deepEqual(ws.closeCodes, [], 'still open after the old exp');
    const later = await sendMessage(server.url, ownerToken, { roomId, body: 'after the old exp' });
    await waitFor(() => sub.items.some((item) => item.messageAdded.id === later.id), { timeoutMs: 5_000, what: 'the old subscription to deliver after the old exp' });

    // Operations started after the refresh run as the new token, name included.
    const viewer = await overSocket<{ viewer: { id: string; name: string } }>(ws, '{ viewer { id name } }');
    assert.deepEqual(viewer.items, [{ viewer: { id: 'ben', name: 'Benjamin' } }]);
    const send = 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { id author { id name } } }';
    const sent = await overSocket<{ sendMessage: { id: string; author: { id: string; name: string } } }>(ws, send, { i: { roomId, body: 'from the socket' } });
    assert.deepEqual(sent.items[0]?.sendMessage.author, { id: 'ben', name: 'Benjamin' });

    await expectClosedAt(ws, newExpMs, 'the close at the new exp');
    await sub.waitForComplete();
  });

  it("refuses another user's token with FORBIDDEN; the identity and the old exp stay", async (t) => {
    const { ws, sub, expMs } = await subscribedSocket(t, 'cat', 'Cat', 3);

    const refused = await overSocket(ws, REFRESH, { t: await tokenFor('mallory', 'Mallory', 3_600) });
    assert.deepEqual(refused, { items: [], codes: ['FORBIDDEN'] });
    const viewer = await overSocket<{ viewer: { id: string; name: string } }>(ws, '{ viewer { id name } }');
    assert.deepEqual(viewer.items, [{ viewer: { id: 'cat', name: 'Cat' } }]);

    await expectClosedAt(ws, expMs, 'the close at the old exp');
    await sub.waitForComplete();
  });

  it('refuses forged, expired and malformed tokens with UNAUTHENTICATED; the socket keeps working until the old exp', async (t) => {
    const { ws, sub, expMs } = await subscribedSocket(t, 'dan', 'Dan', 3);

    const bad: [string, string][] = [
      ['forged', await signToken({ secret: 'not-the-server-secret-0123456789', userId: 'dan', expiresInSec: 3_600 })],
      ['expired', await signToken({ secret: TEST_SECRET, userId: 'dan', expiresInSec: -60 })],
      ['malformed', 'not-a-jwt'],
    ];
    for (const [kind, badToken] of bad) {
      assert.deepEqual(await overSocket(ws, REFRESH, { t: badToken }), { items: [], codes: ['UNAUTHENTICATED'] }, kind);
    }
    assert.deepEqual(ws.closeCodes, [], 'a refused refresh does not close the socket');
    const viewer = await overSocket<{ viewer: { id: string; name: string } }>(ws, '{ viewer { id name } }');
    assert.deepEqual(viewer.items, [{ viewer: { id: 'dan', name: 'Dan' } }]);
    const still = await sendMessage(server.url, ownerToken, { roomId, body: 'still listening' });
    await waitFor(() => sub.items.some((item) => item.messageAdded.id === still.id), { timeoutMs: 5_000, what: 'delivery after the refusals' });

    await expectClosedAt(ws, expMs, 'the close at the old exp');
  });

  it('ends an SSE stream on a private room at exp with UNAUTHENTICATED and complete; nothing sent after exp reaches it', async (t) => {
    const room = await createRoom(server.url, ownerToken, { name: 'expiry-private', private: true, memberIds: ['sia'] });
    const token = await tokenFor('sia', 'Sia', 3);
    const expMs = expiryMs(token);
    const sse = subscribeSse<{ messageAdded: SentMessage }>(server.url, token, { query: MESSAGE_ADDED, variables: { r: room.id, a: null } });
    t.after(() => sse.dispose());
    // Live-only: the stream is live once a message sent after it started arrives.
    await waitFor(
      async () => {
        await sendMessage(server.url, ownerToken, { roomId: room.id, body: 'before exp' });
        return sse.items.length > 0;
      },
      { timeoutMs: 5_000, intervalMs: 100, what: 'the SSE stream to be live' },
    );
    assert.ok(Date.now() < expMs, 'the stream delivered before exp');

    await sse.waitForEnd(expMs - Date.now() + 5_000);
    const endedAt = Date.now();
    assert.ok(endedAt >= expMs, `ended ${expMs - endedAt} ms before exp`);
    assert.deepEqual(sse.errors, [], 'ended with complete, not as a dropped connection');
    const last = sse.payloads.at(-1);
    assert.deepEqual(last?.errors?.map(codeOf), ['UNAUTHENTICATED'], `the last event: ${JSON.stringify(last)}`);
    assert.equal(last?.data ?? null, null);
    assert.ok(sse.items.every((item) => item.messageAdded.body === 'before exp'));

    // The stream has completed, so nothing sent now can reach it; and the server let its subscription go:
    // sia leaves the room's presence (after PRESENCE_GRACE_MS, 5 s here).
    await sendMessage(server.url, ownerToken, { roomId: room.id, body: 'after exp' });
    const online = async () =>
      (
        await gqlData<{ room: { online: { id: string }[] } }>(server.url, {
          token: ownerToken,
          query: 'query($r: ID!) { room(id: $r) { online { id } } }',
          variables: { r: room.id },
        })
      ).room.online.map((user) => user.id);
    await waitFor(async () => !(await online()).includes('sia'), { timeoutMs: 5_000 + 3_000, intervalMs: 200, what: 'sia to go offline' });
    assert.ok(sse.items.every((item) => item.messageAdded.body === 'before exp'));
  });

  it('over HTTP refreshAuth is BAD_USER_INPUT: there is no socket to refresh', async () => {
    const token = await tokenFor('eve', 'Eve');
    const { body } = await gql(server.url, { token, query: REFRESH, variables: { t: token } });
    assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(body.data ?? null, null);
  });

  it('the typed client reports a socket closed at exp as disconnected with UNAUTHENTICATED, and does not retry', async (t) => {
    const token = await tokenFor('gus', 'Gus', 2);
    const client = createRoomcastClient({ url: server.url, token, webSocketImpl: WebSocket, retryAttempts: 3, backoff: { baseMs: 50, maxMs: 200 } });
    t.after(() => client.close());
    await waitFor(() => client.status.get() === 'connected', { timeoutMs: 5_000, what: 'the client to connect' });
    await waitFor(() => client.status.get() === 'disconnected', { timeoutMs: expiryMs(token) - Date.now() + 5_000, what: 'the client to be disconnected' });
    assert.equal(client.failure.get()?.code, 'UNAUTHENTICATED');
    assert.equal(client.failure.get()?.closeCode, FORBIDDEN_CLOSE);
  });

  it('the typed client refreshes on its socket, and reconnects and sends over HTTP with the new token', async (t) => {
    const first = await tokenFor('fay', 'Fay', 3);
    const oldExpMs = expiryMs(first);
    const client = createRoomcastClient({ url: server.url, token: first, webSocketImpl: WebSocket, retryAttempts: 3, backoff: { baseMs: 50, maxMs: 200 } });
    t.after(() => client.close());
    const statuses: string[] = [];
    t.after(client.status.subscribe((status) => statuses.push(status)));
    await waitFor(() => client.status.get() === 'connected', { timeoutMs: 5_000, what: 'the client to connect' });

    await assert.rejects(
      client.refreshAuth(await tokenFor('mallory', 'Mallory', 3_600)),
      (error: unknown) => error instanceof RoomcastClientError && error.code === 'FORBIDDEN',
    );
    assert.deepEqual(await client.refreshAuth(await tokenFor('fay', 'Faye', 3_600)), { id: 'fay', name: 'Faye' });

    await waitFor(() => Date.now() > oldExpMs + 500, { timeoutMs: oldExpMs - Date.now() + 2_000, what: 'the old exp to pass' });
    assert.equal(client.status.get(), 'connected');
    assert.deepEqual((await client.viewer()).viewer, { id: 'fay', name: 'Faye' }, 'HTTP uses the new token');

    // A reconnect after the old exp only succeeds with the new token in connection_init.
    client.ws.terminate();
    await waitFor(() => statuses.includes('reconnecting') && client.status.get() === 'connected', { timeoutMs: 5_000, what: `a reconnect (statuses ${statuses.join(', ')})` });
    assert.equal(client.failure.get(), null);
  });
});
