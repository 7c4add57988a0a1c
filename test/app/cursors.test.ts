// Cursors that point nowhere are refused, never silently obeyed: one ahead of the room's newest message
// is BAD_USER_INPUT (it used to swallow live messages until the room caught up with it), and one from
// a history the server no longer has (the memory store of an earlier process) is CURSOR_EXPIRED with
// the cursor to resume from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeCursor } from '../../src/lib/opaque-cursor.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, sendMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

const HISTORY = 'query($r: ID!, $a: String) { messages(roomId: $r, first: 10, after: $a) { edges { node { seq } } } }';
const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }';

/** A cursor as the server makes them, with `seq` and `epoch` of our choosing (cursors are opaque to clients, not to tests). */
const forgedCursor = (roomId: string, seq: number, epoch: string) => encodeCursor(['m', roomId, seq, epoch]);
const epochOf = (cursor: string): string => {
  const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  assert.ok(Array.isArray(parts) && typeof parts[3] === 'string', 'a message cursor names its epoch');
  return parts[3];
};

describe('cursors that point nowhere', () => {
  let server: AppFixture;
  let alice: string;
  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice');
  });
  after(() => server?.stop());

  it('refuses a cursor ahead of the newest message over HTTP and graphql-ws, and the subscription stays usable', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'ahead' });
    const sent = await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    const ahead = forgedCursor(room.id, sent.seq + 5, epochOf(sent.cursor));
    const { body } = await gql(server.url, { token: alice, query: HISTORY, variables: { r: room.id, a: ahead } });
    assert.equal(body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const refused = ws.subscribe<{ messageAdded: { seq: number } }>(MESSAGE_ADDED, { r: room.id, a: ahead });
    await refused.waitForComplete();
    assert.deepEqual(refused.errorCodes(), ['BAD_USER_INPUT']);
    // A cursor at the head is fine: the next message arrives (it used to be swallowed with the cursor above).
    const live = ws.subscribe<{ messageAdded: { seq: number } }>(MESSAGE_ADDED, { r: room.id, a: sent.cursor });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'two' });
    assert.deepEqual((await live.waitForCount(1)).map((item) => item.messageAdded.seq), [2]);
  });

  it('answers a cursor from another history with CURSOR_EXPIRED and a cursor to resume from', async () => {
    const room = await createRoom(server.url, alice, { name: 'epochs' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    const foreign = forgedCursor(room.id, 0, 'epoch_of_another_store');
    const { body } = await gql(server.url, { token: alice, query: HISTORY, variables: { r: room.id, a: foreign } });
    const error = body.errors?.[0];
    assert.equal(error?.extensions?.code, 'CURSOR_EXPIRED');
    const resumeFrom = error?.extensions?.oldestCursor;
    assert.equal(typeof resumeFrom, 'string');
    const resumed = await gql<{ messages: { edges: { node: { seq: number } }[] } }>(server.url, {
      token: alice,
      query: HISTORY,
      variables: { r: room.id, a: resumeFrom },
    });
    assert.deepEqual(resumed.body.data?.messages.edges.map((edge) => edge.node.seq), [1]);
  });

  it('still takes cursors made before they named an epoch, checked against the head', async () => {
    const room = await createRoom(server.url, alice, { name: 'legacy' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'two' });
    const legacy = encodeCursor(['m', room.id, 1]);
    const { body } = await gql<{ messages: { edges: { node: { seq: number } }[] } }>(server.url, { token: alice, query: HISTORY, variables: { r: room.id, a: legacy } });
    assert.deepEqual(body.data?.messages.edges.map((edge) => edge.node.seq), [2]);
    const tooFar = await gql(server.url, { token: alice, query: HISTORY, variables: { r: room.id, a: encodeCursor(['m', room.id, 9]) } });
    assert.equal(tooFar.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });
});
