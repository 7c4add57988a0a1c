// History over GET (CONTRACT.md "Partner history over HTTP") against a real server process: ETag, 304,
// max-age only below the head, trusted documents by id, and Room.cursorAt.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';

const ADMIN = 'admin-ada';
const PAGE = 'query($roomId: ID!, $first: Int, $after: String) { messages(roomId: $roomId, first: $first, after: $after) { edges { cursor node { seq body } } pageInfo { endCursor } } }';

const getUrl = (url: string, query: string, variables: Record<string, unknown>) =>
  `${url}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify(variables))}`;

const get = (url: string, token: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/graphql-response+json', ...headers }, signal: AbortSignal.timeout(10_000) });

describe('history over GET', () => {
  let server: ServerProcess;
  let admin: string;
  let key: string;
  let roomId: string;

  const send = (body: string) =>
    gqlData(server.url, { token: admin, query: 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }', variables: { input: { roomId, body } } });

  before(async () => {
    server = await startServer({ env: { ADMIN_USER_IDS: ADMIN, HISTORY_CACHE_MAX_AGE_S: '1234' } });
    admin = await tokenFor(ADMIN);
    roomId = (await gqlData<{ createRoom: { id: string } }>(server.url, { token: admin, query: 'mutation { createRoom(input: { name: "h", private: true }) { id } }' })).createRoom.id;
    for (let i = 1; i <= 5; i++) await send(`m${i}`);
    key = (await gqlData<{ createApiKey: { secret: string } }>(server.url, {
      token: admin,
      query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      variables: { input: { name: 'cache', scopes: ['HISTORY_READ'], roomIds: [roomId] } },
    })).createApiKey.secret;
  });
  after(() => server.stop());

  it('a page below the head: ETag, max-age, Vary: Authorization, and 304 on a matching If-None-Match', async () => {
    const url = getUrl(server.url, PAGE, { roomId, first: 2 });
    const first = await get(url, key);
    assert.equal(first.status, 200);
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[A-Za-z0-9_-]+"$/);
    assert.equal(first.headers.get('cache-control'), 'private, max-age=1234');
    assert.match(first.headers.get('vary') ?? '', /authorization/i);
    const again = await get(url, key, { 'if-none-match': etag ?? '' });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
    assert.equal(again.headers.get('etag'), etag);
    assert.equal((await get(url, key, { 'if-none-match': '"other"' })).status, 200);
    // The same page for another caller is the same bytes: the tag matches, but a shared cache must not serve it (Vary).
    assert.equal((await get(url, admin, { 'if-none-match': etag ?? '' })).status, 304);
  });

  it('the head page is no-cache, and its ETag changes when a message arrives', async () => {
    const url = getUrl(server.url, PAGE, { roomId, first: 100 });
    const head = await get(url, key);
    assert.equal(head.headers.get('cache-control'), 'private, no-cache');
    const etag = head.headers.get('etag') ?? '';
    assert.equal((await get(url, key, { 'if-none-match': etag })).status, 304, 'unchanged: still 304');
    await send('newest');
    const changed = await get(url, key, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    const body = (await changed.json()) as { data: { messages: { edges: { node: { body: string } }[] } } };
    assert.equal(body.data.messages.edges.at(-1)?.node.body, 'newest');
  });

  it('an answer with errors or without history gets no caching headers', async () => {
    const refused = await get(getUrl(server.url, PAGE, { roomId: 'room_nope', first: 2 }), key);
    assert.equal(refused.headers.get('etag'), null);
    const plain = await get(getUrl(server.url, '{ serverTime }', {}), key);
    assert.equal(plain.headers.get('etag'), null);
  });

  it('runs trusted documents by id (documentId or Apollo persistedQuery), and still any other document', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../client/generated/persisted-documents.json', import.meta.url), 'utf8')) as Record<string, string>;
    const [id] = Object.entries(manifest).find(([, document]) => document.includes('query HistoryPage(')) ?? [];
    assert.ok(id, 'HistoryPage is in the manifest');
    const variables = encodeURIComponent(JSON.stringify({ roomId, first: 2 }));
    const byId = await get(`${server.url}?documentId=${encodeURIComponent(id)}&variables=${variables}`, key);
    const byIdBody = (await byId.json()) as { data?: { messages: { edges: { node: { body: string } }[] } } };
    assert.deepEqual(byIdBody.data?.messages.edges.map((e) => e.node.body), ['m1', 'm2']);
    assert.equal(byId.headers.get('cache-control'), 'private, max-age=1234');
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: id.replace('sha256:', '') } }));
    const apollo = await get(`${server.url}?extensions=${extensions}&variables=${variables}`, key);
    assert.equal(apollo.headers.get('etag'), byId.headers.get('etag'));
    const unknown = (await (await get(`${server.url}?documentId=${'0'.repeat(64)}`, key)).json()) as { errors?: { extensions?: { code?: string } }[] };
    assert.equal(unknown.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('Room.cursorAt gives a cursor just before the first message at or after a time, usable as after', async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const cursorAt = 'query($roomId: ID!, $time: DateTime!) { room(id: $roomId) { cursorAt(time: $time) } }';
    const fromStart = await gqlData<{ room: { cursorAt: string } }>(server.url, { token: key, query: cursorAt, variables: { roomId, time: before } });
    const page = await gqlData<{ messages: { edges: { node: { body: string } }[] } }>(server.url, { token: key, query: PAGE, variables: { roomId, first: 1, after: fromStart.room.cursorAt } });
    assert.equal(page.messages.edges[0]?.node.body, 'm1');
    const marker = new Date(Date.now() + 5).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the next message must be created after `marker`
    await send('later');
    const fromMarker = await gqlData<{ room: { cursorAt: string } }>(server.url, { token: key, query: cursorAt, variables: { roomId, time: marker } });
    const rest = await gqlData<{ messages: { edges: { node: { body: string } }[] } }>(server.url, { token: key, query: PAGE, variables: { roomId, first: 10, after: fromMarker.room.cursorAt } });
    assert.deepEqual(rest.messages.edges.map((e) => e.node.body), ['later']);
    const future = await gqlData<{ room: { cursorAt: string } }>(server.url, { token: key, query: cursorAt, variables: { roomId, time: new Date(Date.now() + 3_600_000).toISOString() } });
    const none = await gqlData<{ messages: { edges: unknown[] } }>(server.url, { token: key, query: PAGE, variables: { roomId, first: 10, after: future.room.cursorAt } });
    assert.equal(none.messages.edges.length, 0, 'at the head when no message is that late');
  });
});
