// The optimised delivery path (one execution per event per group of identical subscriptions) must
// still give each subscriber exactly its own selection, its own replay, and nothing of rooms it cannot see.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom, range, sendMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

describe('shared delivery', () => {
  let server: AppFixture;
  let alice: string;
  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice', 'Alice');
  });
  after(() => server.stop());

  it('sends each subscriber only the fields it selected, and each its own replay', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'selections' });
    const first = await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    const second = await sendMessage(server.url, alice, { roomId: room.id, body: 'two' });
    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const query = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }';
    const narrow = ws.subscribe<{ messageAdded: Record<string, unknown> }>(query, { r: room.id, a: second.cursor });
    // Same document and room, another cursor: shares live payloads, not the replay.
    const fromStart = ws.subscribe<{ messageAdded: Record<string, unknown> }>(query, { r: room.id, a: first.cursor });
    const wide = ws.subscribe<{ messageAdded: Record<string, unknown> }>(
      'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq body author { name } } }',
      { r: room.id, a: second.cursor },
    );
    const aliased = ws.subscribe<{ m: Record<string, unknown> }>('subscription($r: ID!, $a: String) { m: messageAdded(roomId: $r, after: $a) { n: seq } }', {
      r: room.id,
      a: second.cursor,
    });
    for (let i = 0; i < 5; i++) await sendMessage(server.url, alice, { roomId: room.id, body: `live ${i}` });
    await narrow.waitForCount(5);
    await fromStart.waitForCount(6);
    await wide.waitForCount(5);
    await aliased.waitForCount(5);
    assert.deepEqual(narrow.items.map((item) => item.messageAdded), range(3, 7).map((seq) => ({ seq })));
    assert.deepEqual(fromStart.items.map((item) => item.messageAdded), range(2, 7).map((seq) => ({ seq })));
    assert.deepEqual(
      wide.items.map((item) => item.messageAdded),
      range(3, 7).map((seq, i) => ({ seq, body: `live ${i}`, author: { name: 'Alice' } })),
    );
    assert.deepEqual(aliased.items.map((item) => item.m), range(3, 7).map((seq) => ({ n: seq })));
  });

  it('never delivers a private room to a non-member, while members of it and of a public room share the path', async (t) => {
    const secret = await createRoom(server.url, alice, { name: 'secret', private: true, memberIds: ['bob'] });
    const open = await createRoom(server.url, alice, { name: 'open' });
    const opener = await sendMessage(server.url, alice, { roomId: secret.id, body: 'opener' });
    const openOpener = await sendMessage(server.url, alice, { roomId: open.id, body: 'opener' });
    const bob = connectWs(server.wsUrl, await tokenFor('bob'));
    const mallory = connectWs(server.wsUrl, await tokenFor('mallory'));
    t.after(() => bob.dispose());
    t.after(() => mallory.dispose());
    const query = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq body } }';
    const member = bob.subscribe<{ messageAdded: { body: string } }>(query, { r: secret.id, a: opener.cursor });
    const outsider = mallory.subscribe<{ messageAdded: { body: string } }>(query, { r: secret.id, a: opener.cursor });
    const outsiderOpen = mallory.subscribe<{ messageAdded: { body: string } }>(query, { r: open.id, a: openOpener.cursor });
    await outsider.waitForComplete();
    assert.deepEqual(outsider.errorCodes(), ['NOT_FOUND']);
    await sendMessage(server.url, alice, { roomId: secret.id, body: 'for members' });
    await sendMessage(server.url, alice, { roomId: open.id, body: 'for everyone' });
    await member.waitForCount(1);
    await outsiderOpen.waitForCount(1);
    assert.deepEqual(member.items.map((item) => item.messageAdded.body), ['for members']);
    assert.deepEqual(outsiderOpen.items.map((item) => item.messageAdded.body), ['for everyone'], 'the public room only');
    assert.deepEqual(outsider.items, []);
    // The member's view of history agrees with what was delivered.
    const { messages } = await gqlData<{ messages: { edges: { node: { body: string } }[] } }>(server.url, {
      token: alice,
      query: 'query($r: ID!) { messages(roomId: $r, last: 1) { edges { node { body } } } }',
      variables: { r: secret.id },
    });
    assert.equal(messages.edges[0]?.node.body, 'for members');
  });
});
