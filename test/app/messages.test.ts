// sendMessage, idempotency, input validation and GraphQL-level error codes against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlErrorCode } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, MESSAGE_FIELDS, range, sendMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const SEND = `mutation($r: ID!, $b: String!, $c: String) { sendMessage(input: { roomId: $r, body: $b, clientId: $c }) { ${MESSAGE_FIELDS} } }`;
const PAGE = 'query($r: ID!, $first: Int, $after: String, $last: Int, $before: String) { messages(roomId: $r, first: $first, after: $after, last: $last, before: $before) { edges { cursor } } }';

describe('messages', () => {
  let server: AppFixture;
  let alice: string;
  let bob: string;
  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice', 'Alice');
    bob = await tokenFor('bob');
  });
  after(() => server.stop());

  it('sendMessage numbers messages 1, 2, 3 … per room and returns the stored, trimmed message', async () => {
    const room = await createRoom(server.url, alice, { name: 'numbering' });
    const other = await createRoom(server.url, alice, { name: 'numbering, elsewhere' });
    const first = await sendMessage(server.url, alice, { roomId: room.id, body: '  hello  \n', clientId: 'c-1' });
    assert.equal(first.seq, 1);
    assert.equal(first.roomId, room.id);
    assert.equal(first.body, 'hello', 'stored trimmed');
    assert.equal(first.clientId, 'c-1');
    assert.deepEqual(first.author, { id: 'alice', name: 'Alice' });
    assert.ok(first.id.length > 0);
    assert.ok(first.cursor.length > 0);
    const second = await sendMessage(server.url, bob, { roomId: room.id, body: 'second' });
    const third = await sendMessage(server.url, alice, { roomId: room.id, body: 'third' });
    assert.deepEqual([second.seq, third.seq], [2, 3]);
    assert.deepEqual(second.author, { id: 'bob', name: 'bob' }, 'name defaults to the id');
    assert.equal(second.clientId, null);
    assert.equal(new Set([first.id, second.id, third.id]).size, 3, 'ids are unique');
    assert.equal(new Set([first.cursor, second.cursor, third.cursor]).size, 3, 'cursors are unique');
    assert.equal((await sendMessage(server.url, alice, { roomId: other.id, body: 'first there' })).seq, 1, 'seq is per room');
    assert.deepEqual(await historySeqs(server.url, alice, room.id), [1, 2, 3]);
  });

  it('the same author resending a clientId in the same room gets the first message back; nothing new is stored or published', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'idempotency' });
    const opener = await sendMessage(server.url, alice, { roomId: room.id, body: 'opener' });
    // Subscribing after a known cursor makes delivery independent of when the stream starts.
    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const live = ws.subscribe<{ messageAdded: { id: string; seq: number } }>(
      'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { id seq } }',
      { r: room.id, a: opener.cursor },
    );

    const first = await sendMessage(server.url, bob, { roomId: room.id, body: 'pay 10', clientId: 'retry-42' });
    const retried = await sendMessage(server.url, bob, { roomId: room.id, body: 'pay 10 (retry)', clientId: 'retry-42' });
    assert.deepEqual(retried, first, 'the first message comes back (same id, same seq)');
    assert.deepEqual(await historySeqs(server.url, alice, room.id), [1, 2], 'nothing new is stored');

    // Sentinel: the next live event after bob's message must be this one, not a second copy of bob's.
    const sentinel = await sendMessage(server.url, alice, { roomId: room.id, body: 'sentinel' });
    await live.waitForCount(2);
    assert.deepEqual(live.items.map((item) => item.messageAdded.id), [first.id, sentinel.id]);
    assert.equal(sentinel.seq, 3);

    // The key is scoped to the author and the room.
    const otherAuthor = await sendMessage(server.url, alice, { roomId: room.id, body: 'mine', clientId: 'retry-42' });
    assert.notEqual(otherAuthor.id, first.id);
    assert.equal(otherAuthor.seq, 4);
    const otherRoom = await createRoom(server.url, alice, { name: 'idempotency, elsewhere' });
    const elsewhere = await sendMessage(server.url, bob, { roomId: otherRoom.id, body: 'pay 10', clientId: 'retry-42' });
    assert.notEqual(elsewhere.id, first.id);
    assert.equal(elsewhere.seq, 1);
    await waitFor(() => live.items.length >= 3, { what: "alice's message with bob's clientId, live" });
    assert.deepEqual(live.items.map((item) => item.messageAdded.seq), [2, 3, 4]);
  });

  it('empty, blank and over-long bodies are BAD_USER_INPUT and store nothing', async () => {
    const room = await createRoom(server.url, alice, { name: 'bodies' });
    for (const body of ['', '   ', ' \n\t ', 'x'.repeat(4_001), ` ${'y'.repeat(4_001)} `]) {
      assert.equal(await gqlErrorCode(server.url, { token: alice, query: SEND, variables: { r: room.id, b: body } }), 'BAD_USER_INPUT', `body of length ${body.length}`);
    }
    assert.deepEqual(await historySeqs(server.url, alice, room.id), [], 'nothing stored');
    const longest = await sendMessage(server.url, alice, { roomId: room.id, body: `  ${'z'.repeat(4_000)}  ` });
    assert.equal(longest.seq, 1, '4,000 characters after trimming is allowed, and the refusals took no seq');
    assert.equal(longest.body.length, 4_000);
  });

  it('a clientId longer than 128 characters is BAD_USER_INPUT', async () => {
    const room = await createRoom(server.url, alice, { name: 'client ids' });
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: SEND, variables: { r: room.id, b: 'ok', c: 'k'.repeat(129) } }), 'BAD_USER_INPUT');
    assert.deepEqual(await historySeqs(server.url, alice, room.id), []);
    assert.equal((await sendMessage(server.url, alice, { roomId: room.id, body: 'ok', clientId: 'k'.repeat(128) })).clientId, 'k'.repeat(128));
  });

  it('out-of-range page sizes are BAD_USER_INPUT, including an Int GraphQL cannot coerce', async () => {
    const room = await createRoom(server.url, alice, { name: 'numbers' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    for (const variables of [{ first: 101 }, { first: -1 }, { last: 101 }, { last: -1 }, { first: 3_000_000_000 }]) {
      assert.equal(await gqlErrorCode(server.url, { token: alice, query: PAGE, variables: { r: room.id, ...variables } }), 'BAD_USER_INPUT', JSON.stringify(variables));
    }
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: `query($r: ID!) { messages(roomId: $r, first: 101) { edges { cursor } } }`, variables: { r: room.id } }), 'BAD_USER_INPUT', 'literal argument');
  });

  it('a malformed cursor, or a cursor of another room, is BAD_USER_INPUT', async () => {
    const room = await createRoom(server.url, alice, { name: 'cursors' });
    const other = await createRoom(server.url, alice, { name: 'cursors, elsewhere' });
    for (const body of ['a', 'b', 'c']) await sendMessage(server.url, alice, { roomId: room.id, body });
    const foreign = await sendMessage(server.url, alice, { roomId: other.id, body: 'foreign' });
    for (const variables of [
      { after: 'not a cursor' },
      { before: '%%%' },
      { after: Buffer.from('{"seq":1}').toString('base64url') },
      { after: foreign.cursor },
      { last: 2, before: foreign.cursor },
    ]) {
      assert.equal(await gqlErrorCode(server.url, { token: alice, query: PAGE, variables: { r: room.id, ...variables } }), 'BAD_USER_INPUT', JSON.stringify(variables));
    }
    assert.deepEqual(await historySeqs(server.url, alice, room.id), range(1, 3));
  });

  it('an unparseable query is GRAPHQL_PARSE_FAILED; an unknown field is GRAPHQL_VALIDATION_FAILED', async () => {
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: '{ viewer { id ' }), 'GRAPHQL_PARSE_FAILED');
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: '{ viewer { id shoeSize } }' }), 'GRAPHQL_VALIDATION_FAILED');
  });

  it('sending to an unknown room is NOT_FOUND', async () => {
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: SEND, variables: { r: 'no-such-room', b: 'hello?' } }), 'NOT_FOUND');
  });
});
