// ALLOWED_ORIGINS against a real server process: a WebSocket upgrade from a page on an unlisted origin is
// refused with 403 before graphql-ws runs; a listed origin and a client without an Origin header (not a
// browser page) connect and subscribe; CORS grants a listed origin and gives an unlisted one nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, sendUntilDelivered } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { tryUpgrade } from '../helpers/upgrade.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const LISTED = 'https://app.example';
const ALSO_LISTED = 'http://localhost:5173';
const UNLISTED = 'https://evil.example';
const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r) { seq body } }';

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    signal: AbortSignal.timeout(5_000),
  });

describe('ALLOWED_ORIGINS', () => {
  let server: AppFixture;
  let alice: string;
  let roomId: string;

  before(async () => {
    // Spelled unlike a browser's Origin on purpose: the setting is normalized to scheme://host[:port].
    server = await startServer({ env: { ALLOWED_ORIGINS: `HTTPS://App.Example:443/, ${ALSO_LISTED}` } });
    alice = await tokenFor('alice');
    roomId = (await createRoom(server.url, alice, { name: 'origins' })).id;
  });
  after(() => server?.stop());

  it('refuses a WebSocket upgrade from an unlisted origin with 403', async () => {
    assert.equal((await tryUpgrade(server.wsUrl, { origin: UNLISTED })).status, 403);
    assert.equal((await tryUpgrade(server.wsUrl, { origin: 'null' })).status, 403, 'a sandboxed page (Origin: null)');
    assert.equal((await tryUpgrade(server.wsUrl, { origin: 'https://app.example.evil.example' })).status, 403);
  });

  it('accepts a listed origin, which then subscribes and receives', async (t) => {
    assert.equal((await tryUpgrade(server.wsUrl, { origin: LISTED })).status, 101);
    assert.equal((await tryUpgrade(server.wsUrl, { origin: ALSO_LISTED })).status, 101);
    const ws = connectWs(server.wsUrl, alice, { origin: LISTED });
    t.after(() => ws.dispose());
    const sub = ws.subscribe<{ messageAdded: { body: string } }>(MESSAGE_ADDED, { r: roomId });
    await waitFor(() => ws.socket() !== undefined, { what: 'the listed origin to be connected' });
    await sendUntilDelivered(server.url, alice, roomId, () => sub.items.length > 0, { body: 'from a listed origin', what: 'a message on the listed origin' });
    assert.equal(sub.items[0]?.messageAdded.body, 'from a listed origin');
  });

  it('accepts a client without an Origin header', async (t) => {
    assert.equal((await tryUpgrade(server.wsUrl)).status, 101);
    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const sub = ws.subscribe<{ messageAdded: { body: string } }>(MESSAGE_ADDED, { r: roomId });
    await sendUntilDelivered(server.url, alice, roomId, () => sub.items.some((item) => item.messageAdded.body === 'no origin'), {
      body: 'no origin',
      what: 'a message without an Origin',
    });
    assert.deepEqual(ws.closeCodes, []);
  });

  it('grants CORS to a listed origin only', async () => {
    const listed = await preflight(server.url, LISTED);
    assert.ok(listed.status >= 200 && listed.status < 300, `preflight status ${listed.status}`);
    assert.equal(listed.headers.get('access-control-allow-origin'), LISTED);
    assert.match(listed.headers.get('access-control-allow-headers') ?? '', /authorization/i);
    assert.equal((await preflight(server.url, ALSO_LISTED)).headers.get('access-control-allow-origin'), ALSO_LISTED);

    const unlisted = await preflight(server.url, UNLISTED);
    const granted = [...unlisted.headers.keys()].filter((name) => name.startsWith('access-control-'));
    assert.deepEqual(granted, [], 'no Access-Control-* header for an unlisted origin');
    const sandboxed = await preflight(server.url, 'null');
    assert.equal(sandboxed.headers.get('access-control-allow-origin'), null);

    // The request itself: a listed origin may read the answer; an unlisted one gets no grant to.
    const fromListed = await gql(server.url, { query: '{ viewer { id } }', token: alice, headers: { origin: LISTED } });
    assert.equal(fromListed.body.data && (fromListed.body.data as { viewer: { id: string } }).viewer.id, 'alice');
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { origin: UNLISTED, 'content-type': 'application/json', authorization: `Bearer ${alice}` },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
    await response.body?.cancel();
  });

  it('keeps serving after refusals', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await tryUpgrade(server.wsUrl, { origin: UNLISTED })).status, 403);
    const { body } = await gql(server.url, { query: '{ viewer { id } }', token: alice });
    assert.deepEqual(body.data, { viewer: { id: 'alice' } });
    assert.equal((await fetch(server.url.replace('/graphql', '/healthz'))).status, 200);
  });
});
