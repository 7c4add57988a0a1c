// Limits on connections, against real server processes: connections per user (graphql-ws sockets and SSE
// streams share them; over the limit a socket is closed with 4029, a stream answered LIMIT_EXCEEDED),
// subscriptions per connection (the extra one gets an `error` message with LIMIT_EXCEEDED, the socket stays
// open) and connection attempts per IP (429 with Retry-After before the upgrade). Each refusal leaves the
// server serving, and a freed slot is taken again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { createRoomcastClient } from '../../client/index.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, sendUntilDelivered } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { tryUpgrade } from '../helpers/upgrade.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs, type LiveSubscription, type TestWsClient } from '../helpers/ws-client.js';

const TOO_MANY_CONNECTIONS = 4029;
const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r) { seq body } }';
type Added = { messageAdded: { seq: number; body: string } };

/** A graphql-ws socket opened at once (not lazily): resolves once it is acknowledged or closed. */
const openSocket = async (t: { after(fn: () => unknown): void }, wsUrl: string, token: string): Promise<TestWsClient> => {
  const ws = connectWs(wsUrl, token, { lazy: false });
  t.after(() => ws.dispose());
  await waitFor(() => ws.socket() !== undefined || ws.closeCodes.length > 0, { what: 'the socket to be acknowledged or closed' });
  return ws;
};

const isOpen = (ws: TestWsClient) => ws.socket() !== undefined && ws.closeCodes.length === 0;

const viewerId = async (url: string, token: string) =>
  ((await gql<{ viewer: { id: string } }>(url, { query: '{ viewer { id } }', token })).body.data?.viewer.id);

/** Sends messages until every subscription has received one more (a subscription is live only once the server has started it). */
const untilDelivered = async (url: string, token: string, roomId: string, subscriptions: LiveSubscription<Added>[], body: string) => {
  const counts = subscriptions.map((sub) => sub.items.length);
  await sendUntilDelivered(url, token, roomId, () => subscriptions.every((sub, i) => sub.items.length > (counts[i] ?? 0)), {
    body,
    what: `"${body}" on ${subscriptions.length} subscriptions`,
  });
};

/** Opens sockets until one is accepted into a slot that was just freed (the server frees it once it has seen the close). */
const socketInFreedSlot = (t: { after(fn: () => unknown): void }, wsUrl: string, token: string, what: string) =>
  waitFor(
    async () => {
      const socket = await openSocket(t, wsUrl, token);
      return isOpen(socket) ? socket : undefined;
    },
    { what },
  );

describe('connections per user and subscriptions per connection', () => {
  let server: AppFixture;
  let roomId: string;
  let owner: string;

  before(async () => {
    server = await startServer({ env: { MAX_CONNECTIONS_PER_USER: '2', MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' } });
    owner = await tokenFor('owner');
    roomId = (await createRoom(server.url, owner, { name: 'limits' })).id;
  });
  after(() => server?.stop());

  it('closes a third socket of one user with 4029, serves other users, and reuses a freed slot', async (t) => {
    const alice = await tokenFor('alice');
    const first = await openSocket(t, server.wsUrl, alice);
    const second = await openSocket(t, server.wsUrl, alice);
    assert.ok(isOpen(first) && isOpen(second));

    const third = await openSocket(t, server.wsUrl, alice);
    assert.deepEqual(third.closeCodes, [TOO_MANY_CONNECTIONS]);
    assert.ok(isOpen(first) && isOpen(second), 'the refusal touches no other socket');

    assert.ok(isOpen(await openSocket(t, server.wsUrl, await tokenFor('bob'))), 'another user is not affected');
    assert.equal(await viewerId(server.url, alice), 'alice', 'HTTP requests are not connections');

    await first.dispose();
    assert.ok(isOpen(await socketInFreedSlot(t, server.wsUrl, alice, 'a socket in the slot the closed one freed')));
  });

  it('counts SSE streams in the same slots', async (t) => {
    const carol = await tokenFor('carol');
    const socket = await openSocket(t, server.wsUrl, carol);
    const stream = subscribeSse<Added>(server.url, carol, { query: MESSAGE_ADDED, variables: { r: roomId } });
    t.after(() => stream.dispose());
    // A socket's subscriptions share its one slot: two of them leave carol at 2 connections, not 3.
    const onSocket = [socket.subscribe<Added>(MESSAGE_ADDED, { r: roomId }), socket.subscribe<Added>(MESSAGE_ADDED, { r: roomId })];
    await sendUntilDelivered(server.url, owner, roomId, () => stream.items.length > 0 && onSocket.every((sub) => sub.items.length > 0), {
      body: 'to carol',
      what: "carol's stream and socket subscriptions to be live",
    });

    assert.deepEqual((await openSocket(t, server.wsUrl, carol)).closeCodes, [TOO_MANY_CONNECTIONS], 'the stream holds the second slot');
    const refused = subscribeSse<Added>(server.url, carol, { query: MESSAGE_ADDED, variables: { r: roomId } });
    t.after(() => refused.dispose());
    await refused.waitForEnd();
    assert.deepEqual(refused.codes(), ['LIMIT_EXCEEDED']);
    assert.equal(refused.items.length, 0);

    stream.dispose();
    assert.ok(isOpen(await socketInFreedSlot(t, server.wsUrl, carol, 'a socket in the slot the ended stream freed')));
  });

  it('answers a third subscription on a socket with LIMIT_EXCEEDED, keeps the socket, and frees slots that end', async (t) => {
    const dave = await tokenFor('dave');
    const ws = await openSocket(t, server.wsUrl, dave);
    const first = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId });
    const second = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId });
    await untilDelivered(server.url, owner, roomId, [first, second], 'both live');

    const third = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId });
    await third.waitForComplete();
    assert.deepEqual(third.errorCodes(), ['LIMIT_EXCEEDED']);
    assert.ok(isOpen(ws), 'the socket stays open');
    // Queries and mutations are not subscriptions: they run on a full socket.
    const query = ws.subscribe<{ viewer: { id: string } }>('{ viewer { id } }');
    await query.waitForComplete();
    assert.deepEqual(query.items, [{ viewer: { id: 'dave' } }]);
    await untilDelivered(server.url, owner, roomId, [first, second], 'still live after the refusal');

    // Completed by the client: its slot is free at once.
    first.unsubscribe();
    const fourth = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId });
    await untilDelivered(server.url, owner, roomId, [second, fourth], 'in the freed slot');
    assert.deepEqual(fourth.errorCodes(), []);

    // Ended by the server (a room that does not exist): its slot is free once it has ended.
    fourth.unsubscribe();
    const missing = ws.subscribe<Added>(MESSAGE_ADDED, { r: 'no-such-room' });
    await missing.waitForComplete();
    assert.deepEqual(missing.errorCodes(), ['NOT_FOUND']);
    const fifth = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId });
    await untilDelivered(server.url, owner, roomId, [second, fifth], 'after a server-ended subscription');
    assert.deepEqual(ws.closeCodes, []);
  });

  it('makes the typed client retry 4029 with its backoff, not in a loop, until a slot frees', async (t) => {
    const erin = await tokenFor('erin');
    const held = [await openSocket(t, server.wsUrl, erin), await openSocket(t, server.wsUrl, erin)];
    assert.ok(held.every(isOpen));
    const refusals = () =>
      server
        .output()
        .map((line) => JSON.parse(line) as { msg?: string; userId?: string; time: number })
        .filter((entry) => entry.msg === 'websocket refused: too many connections for the user' && entry.userId === 'erin')
        .map((entry) => entry.time);
    // No jitter: retry n waits exactly min(400, 100 * 2^n) ms, so four refusals take at least 100 + 200 + 400.
    const client = createRoomcastClient({
      url: server.url,
      token: erin,
      webSocketImpl: WebSocket,
      backoff: { baseMs: 100, maxMs: 400, random: () => 0.999_999 },
    });
    t.after(() => client.close());
    const times = await waitFor(() => (refusals().length >= 4 ? refusals() : undefined), { timeoutMs: 10_000, what: 'four refused attempts' });
    const [firstAt = 0, , , fourthAt = 0] = times;
    assert.ok(fourthAt - firstAt >= 690, `four attempts within ${fourthAt - firstAt} ms: not backing off`);
    assert.notEqual(client.status.get(), 'connected');
    assert.equal(client.failure.get(), null, 'a full user is not a failure: the client keeps trying');

    await held[0]?.dispose();
    await waitFor(() => client.status.get() === 'connected', { timeoutMs: 10_000, what: 'the typed client to take the freed slot' });
  });
});

describe('connection attempts per IP', () => {
  let server: AppFixture;

  before(async () => {
    server = await startServer({ env: { RATE_LIMIT_CONNECTIONS: '3/3' } });
  });
  after(() => server?.stop());

  it('refuses upgrades over the budget with 429 and Retry-After, keeps serving, and accepts again after the wait', async (t) => {
    const token = await tokenFor('frank');
    const kept = await openSocket(t, server.wsUrl, token);
    assert.ok(isOpen(kept));
    assert.equal((await tryUpgrade(server.wsUrl)).status, 101);
    assert.equal((await tryUpgrade(server.wsUrl)).status, 101);

    const refused = await tryUpgrade(server.wsUrl);
    assert.equal(refused.status, 429);
    const retryAfterSec = Number(refused.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfterSec) && retryAfterSec >= 1 && retryAfterSec <= 3, `Retry-After: ${refused.headers['retry-after']}`);
    // The refused client is also refused when it is a real graphql-ws client.
    const alsoRefused = connectWs(server.wsUrl, token, { lazy: false });
    t.after(() => alsoRefused.dispose());
    await waitFor(() => alsoRefused.closeCodes.length > 0, { what: 'the graphql-ws client to give up' });
    assert.equal(alsoRefused.socket(), undefined);

    assert.equal(await viewerId(server.url, token), 'frank', 'HTTP is still served');
    const sub = kept.subscribe<{ viewer: { id: string } }>('{ viewer { id } }');
    await sub.waitForComplete();
    assert.deepEqual(sub.items, [{ viewer: { id: 'frank' } }], 'open sockets are not affected');

    // Waiting exactly what Retry-After says, once, is the point: the header must be enough to retry by.
    await sleep(retryAfterSec * 1_000);
    assert.equal((await tryUpgrade(server.wsUrl)).status, 101);
  });
});
