// Partner API keys against real server processes: every scope rule of the contract ("Who is calling").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const ADMIN = 'admin-ada';
const KEY_READS = 40;

type CreatedKey = { id: string; secret: string };

const createKey = async (url: string, adminToken: string, input: { name: string; scopes: string[]; roomIds: string[] }): Promise<CreatedKey> => {
  const data = await gqlData<{ createApiKey: { apiKey: { id: string }; secret: string } }>(url, {
    token: adminToken,
    query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }',
    variables: { input },
  });
  return { id: data.createApiKey.apiKey.id, secret: data.createApiKey.secret };
};

const createRoom = async (url: string, token: string, name: string, isPrivate = false): Promise<string> =>
  (await gqlData<{ createRoom: { id: string } }>(url, {
    token,
    query: 'mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }',
    variables: { input: { name, private: isPrivate } },
  })).createRoom.id;

const send = async (url: string, token: string, roomId: string, body: string) =>
  gqlData(url, { token, query: 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }', variables: { input: { roomId, body } } });

const MESSAGES = 'query($roomId: ID!) { messages(roomId: $roomId, first: 100) { edges { node { body } } } }';
const bodiesOf = async (url: string, token: string, roomId: string): Promise<string[]> =>
  (await gqlData<{ messages: { edges: { node: { body: string } }[] } }>(url, { token, query: MESSAGES, variables: { roomId } })).messages.edges.map((e) => e.node.body);

describe('API keys (memory engine)', () => {
  let server: ServerProcess;
  let admin: string;
  let bob: string;
  let privateRoom: string;
  let publicRoom: string;
  let otherRoom: string;

  before(async () => {
    server = await startServer({ env: { ADMIN_USER_IDS: ` ${ADMIN} , someone-else`, RATE_LIMIT_KEY_READS: `${KEY_READS}/60` } });
    admin = await tokenFor(ADMIN, 'Ada');
    bob = await tokenFor('bob');
    privateRoom = await createRoom(server.url, admin, 'private', true);
    publicRoom = await createRoom(server.url, admin, 'public');
    otherRoom = await createRoom(server.url, bob, 'not granted');
    await send(server.url, admin, privateRoom, 'secret plans');
    await send(server.url, bob, otherRoom, 'bob talks');
  });
  after(() => server.stop());

  it('lets only admins manage keys; the secret is rk_… and shown once; keys are listed with lastUsedAt', async () => {
    const input = { name: 'Analytics', scopes: ['HISTORY_READ'], roomIds: [publicRoom] };
    const createQuery = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }';
    assert.equal(await gqlErrorCode(server.url, { token: bob, query: createQuery, variables: { input } }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: bob, query: '{ apiKeys { id } }' }), 'FORBIDDEN');
    const key = await createKey(server.url, admin, input);
    assert.match(key.secret, /^rk_/);
    assert.equal(await gqlErrorCode(server.url, { token: bob, query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', variables: { id: key.id } }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: key.secret, query: createQuery, variables: { input } }), 'FORBIDDEN');
    assert.equal(await gqlErrorCode(server.url, { token: key.secret, query: '{ apiKeys { id } }' }), 'FORBIDDEN');
    const listed = await gqlData<{ apiKeys: { id: string; name: string; scopes: string[]; roomIds: string[]; lastUsedAt: string | null; revokedAt: string | null }[] }>(server.url, {
      token: admin,
      query: '{ apiKeys { id name scopes roomIds lastUsedAt revokedAt } }',
    });
    const mine = listed.apiKeys.find((k) => k.id === key.id);
    assert.deepEqual({ ...mine, lastUsedAt: typeof mine?.lastUsedAt }, { id: key.id, name: 'Analytics', scopes: ['HISTORY_READ'], roomIds: [publicRoom], lastUsedAt: 'string', revokedAt: null });
    assert.ok(!JSON.stringify(listed).includes(key.secret.slice(3)), 'the secret is never listed');
  });

  it('a HISTORY_READ key reads its rooms (a private one included), not others', async () => {
    const key = await createKey(server.url, admin, { name: 'Reader', scopes: ['HISTORY_READ'], roomIds: [privateRoom, publicRoom] });
    assert.deepEqual(await bodiesOf(server.url, key.secret, privateRoom), ['secret plans']);
    const viewer = await gqlData<{ viewer: { id: string; name: string } }>(server.url, { token: key.secret, query: '{ viewer { id name } serverTime }' });
    assert.deepEqual(viewer.viewer, { id: `key:${key.id}`, name: 'Reader' });
    const rooms = await gqlData<{ rooms: { edges: { node: { id: string } }[] } }>(server.url, { token: key.secret, query: '{ rooms(first: 100) { edges { node { id } } } }' });
    assert.deepEqual(rooms.rooms.edges.map((e) => e.node.id).sort(), [privateRoom, publicRoom].sort());
    const room = await gqlData<{ room: { messages: { edges: unknown[] } } | null; other: unknown }>(server.url, {
      token: key.secret,
      query: 'query($a: ID!, $b: ID!) { room(id: $a) { messages(first: 5) { edges { cursor } } } other: room(id: $b) { id } }',
      variables: { a: privateRoom, b: otherRoom },
    });
    assert.equal(room.room?.messages.edges.length, 1);
    assert.equal(room.other, null, 'a room the key does not name does not exist for it');
    assert.equal(await gqlErrorCode(server.url, { token: key.secret, query: MESSAGES, variables: { roomId: otherRoom } }), 'NOT_FOUND');
    assert.equal(await gqlErrorCode(server.url, { token: key.secret, query: 'query($id: ID!) { timer(id: $id) { id } }', variables: { id: 'x' } }), 'FORBIDDEN');
  });

  it('a key never writes: every mutation is FORBIDDEN and nothing is stored', async () => {
    const key = await createKey(server.url, admin, { name: 'Writer?', scopes: ['HISTORY_READ', 'EVENTS_SUBSCRIBE'], roomIds: [privateRoom, publicRoom] });
    const before = await bodiesOf(server.url, admin, privateRoom);
    const roomsBefore = await gqlData(server.url, { token: admin, query: '{ rooms(first: 100) { edges { node { id } } } }' });
    const mutations: [string, Record<string, unknown>][] = [
      ['mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }', { input: { roomId: privateRoom, body: 'from a key' } }],
      ['mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }', { input: { name: 'key room' } }],
      ['mutation($id: ID!) { joinRoom(roomId: $id) { id } }', { id: otherRoom }],
      ['mutation($id: ID!) { leaveRoom(roomId: $id) { id } }', { id: publicRoom }],
      ['mutation($id: ID!) { setTyping(roomId: $id, typing: true) }', { id: privateRoom }],
      ['mutation($id: ID!) { markRead(roomId: $id, messageId: "x") { seq } }', { id: privateRoom }],
      ['mutation($input: StartTimerInput!) { startTimer(input: $input) { id } }', { input: { roomId: privateRoom, durationMs: 5_000 } }],
      ['mutation($t: String!) { refreshAuth(token: $t) { id } }', { t: key.secret }],
      ['mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: key.id }],
    ];
    for (const [query, variables] of mutations) {
      assert.equal(await gqlErrorCode(server.url, { token: key.secret, query, variables }), 'FORBIDDEN', query);
    }
    assert.deepEqual(await bodiesOf(server.url, admin, privateRoom), before);
    assert.deepEqual(await gqlData(server.url, { token: admin, query: '{ rooms(first: 100) { edges { node { id } } } }' }), roomsBefore);
    // Still usable: the refused revokeApiKey changed nothing.
    assert.deepEqual(await bodiesOf(server.url, key.secret, privateRoom), before);
  });

  it('subscriptions need EVENTS_SUBSCRIBE and a named room; an events-only key cannot query history', async (t) => {
    const reader = await createKey(server.url, admin, { name: 'Reader', scopes: ['HISTORY_READ'], roomIds: [publicRoom] });
    const events = await createKey(server.url, admin, { name: 'Events', scopes: ['EVENTS_SUBSCRIBE'], roomIds: [publicRoom] });
    const query = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { body } }';
    const readerWs = connectWs(server.wsUrl, reader.secret);
    const eventsWs = connectWs(server.wsUrl, events.secret);
    t.after(() => Promise.all([readerWs.dispose(), eventsWs.dispose()]));
    const refused = readerWs.subscribe(query, { roomId: publicRoom });
    await refused.waitForComplete();
    assert.deepEqual(refused.errorCodes(), ['FORBIDDEN']);
    const notNamed = eventsWs.subscribe(query, { roomId: otherRoom });
    await notNamed.waitForComplete();
    assert.deepEqual(notNamed.errorCodes(), ['NOT_FOUND']);
    const live = eventsWs.subscribe<{ messageAdded: { body: string } }>(query, { roomId: publicRoom });
    await waitFor(async () => {
      await send(server.url, admin, publicRoom, 'ping');
      return live.items.length > 0;
    }, { what: 'the events key to receive a message', timeoutMs: 5_000, intervalMs: 200 });
    assert.equal(live.items[0]?.messageAdded.body, 'ping');
    assert.equal(await gqlErrorCode(server.url, { token: events.secret, query: MESSAGES, variables: { roomId: publicRoom } }), 'FORBIDDEN');
  });

  it('a revoked key fails at once; its open streams end with UNAUTHENTICATED and deliver nothing sent after the revocation', async (t) => {
    const key = await createKey(server.url, admin, { name: 'Doomed', scopes: ['HISTORY_READ', 'EVENTS_SUBSCRIBE'], roomIds: [privateRoom] });
    const query = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { body } }';
    const ws = connectWs(server.wsUrl, key.secret);
    t.after(() => ws.dispose());
    const overWs = ws.subscribe<{ messageAdded: { body: string } }>(query, { roomId: privateRoom });
    const overSse = subscribeSse<{ messageAdded: { body: string } }>(server.url, key.secret, { query, variables: { roomId: privateRoom } });
    t.after(() => overSse.dispose());
    await waitFor(async () => {
      await send(server.url, admin, privateRoom, 'before');
      return overWs.items.length > 0 && overSse.items.length > 0;
    }, { what: 'both streams to be live', timeoutMs: 5_000, intervalMs: 200 });
    await gqlData(server.url, { token: admin, query: 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', variables: { id: key.id } });
    await send(server.url, admin, privateRoom, 'after');
    assert.equal(await gqlErrorCode(server.url, { token: key.secret, query: MESSAGES, variables: { roomId: privateRoom } }), 'UNAUTHENTICATED');
    await overWs.waitForComplete(5_000);
    await overSse.waitForEnd(5_000);
    assert.ok(overWs.errorCodes().includes('UNAUTHENTICATED'), JSON.stringify(overWs.payloads));
    assert.ok(overSse.codes().includes('UNAUTHENTICATED'), JSON.stringify(overSse.payloads));
    for (const items of [overWs.items, overSse.items]) assert.ok(!items.some((item) => item.messageAdded.body === 'after'), JSON.stringify(items));
    const fresh = connectWs(server.wsUrl, key.secret);
    t.after(() => fresh.dispose());
    const refused = fresh.subscribe(query, { roomId: privateRoom });
    await refused.waitForComplete();
    assert.ok(fresh.closeCodes.includes(4403), `closed with ${fresh.closeCodes.join(',')}`);
  });

  it('refuses unknown and forged keys, and JWTs posing as keys', async () => {
    const key = await createKey(server.url, admin, { name: 'Real', scopes: ['HISTORY_READ'], roomIds: [publicRoom] });
    const forged = `${key.secret.slice(0, -4)}AAAA`;
    assert.equal(await gqlErrorCode(server.url, { token: forged, query: '{ viewer { id } }' }), 'UNAUTHENTICATED');
    assert.equal(await gqlErrorCode(server.url, { token: 'rk_AAAAAAAAAAAA.' + 'A'.repeat(43), query: '{ viewer { id } }' }), 'UNAUTHENTICATED');
    assert.equal(await gqlErrorCode(server.url, { token: await tokenFor(`key:${key.id}`), query: '{ viewer { id } }' }), 'UNAUTHENTICATED');
  });

  it('rate limits a key’s reads on its own budget: RATE_LIMITED with retryAfterMs, and Retry-After over HTTP', async () => {
    const key = await createKey(server.url, admin, { name: 'Busy', scopes: ['HISTORY_READ'], roomIds: [publicRoom] });
    let refusal: Awaited<ReturnType<typeof fetch>> | undefined;
    for (let i = 0; i <= KEY_READS && !refusal; i++) {
      const response = await fetch(`${server.url}?query=${encodeURIComponent('{ serverTime }')}`, { headers: { authorization: `Bearer ${key.secret}`, accept: 'application/json' } });
      const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.[0]?.extensions?.code === 'RATE_LIMITED') refusal = response;
    }
    assert.ok(refusal, `no refusal within ${KEY_READS + 1} reads`);
    const body = (await refusal.json()) as { errors: { extensions: { retryAfterMs: number } }[] };
    assert.ok((body.errors[0]?.extensions.retryAfterMs ?? 0) > 0);
    assert.ok(Number(refusal.headers.get('retry-after')) >= 1, `Retry-After: ${refusal.headers.get('retry-after')}`);
    // Users are not charged from the key's budget.
    assert.ok((await gql(server.url, { token: admin, query: '{ serverTime }' })).body.data);
  });
});

describe('API keys on PostgreSQL', () => {
  let postgres: PostgresServer;
  before(async () => {
    postgres = await startPostgres();
  });
  after(() => postgres.stop());

  it('a key survives a restart of the server, and its revocation does too', async (t) => {
    const env = { DATABASE_URL: await createDatabase(postgres), ADMIN_USER_IDS: ADMIN };
    const admin = await tokenFor(ADMIN);
    const first = await startServer({ env });
    let firstStopped = false;
    t.after(() => (firstStopped ? undefined : first.stop()));
    const roomId = await createRoom(first.url, admin, 'durable', true);
    await send(first.url, admin, roomId, 'kept');
    const key = await createKey(first.url, admin, { name: 'Durable', scopes: ['HISTORY_READ'], roomIds: [roomId] });
    await first.stop();
    firstStopped = true;
    const second = await startServer({ env });
    t.after(() => second.stop());
    assert.deepEqual(await bodiesOf(second.url, key.secret, roomId), ['kept']);
    await gqlData(second.url, { token: admin, query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }', variables: { id: key.id } });
    assert.equal(await gqlErrorCode(second.url, { token: key.secret, query: MESSAGES, variables: { roomId } }), 'UNAUTHENTICATED');
  });
});
