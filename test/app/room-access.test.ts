// Membership (join, leave, the owner), private rooms on every operation and subscription, and document
// limits, against a real server process. Sending, history and subscriptions have files of their own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const SEND = 'mutation($r: ID!, $b: String!, $c: String) { sendMessage(input: { roomId: $r, body: $b, clientId: $c }) { id seq cursor body clientId author { id name } } }';
interface Sent {
  sendMessage: { id: string; seq: number; cursor: string; body: string; clientId: string | null; author: { id: string; name: string } };
}

describe('room access and document limits', () => {
  let server: AppFixture;
  const t: Record<string, string> = {};
  const count = async (roomId: string, token = t['alice'] ?? '') =>
    (await gqlData<{ messages: { edges: unknown[] } }>(server.url, { token, query: 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { cursor } } }', variables: { r: roomId } })).messages.edges.length;
  const createRoom = async (token: string, input: Record<string, unknown>) =>
    (
      await gqlData<{ createRoom: { id: string; name: string; private: boolean; owner: { id: string }; members: { id: string; name: string }[] } }>(server.url, {
        token,
        query: 'mutation($i: CreateRoomInput!) { createRoom(input: $i) { id name private owner { id } members { id name } } }',
        variables: { i: input },
      })
    ).createRoom;

  before(async () => {
    server = await startServer();
    for (const user of ['alice', 'bob', 'mallory']) t[user] = await tokenFor(user, user[0]?.toUpperCase() + user.slice(1));
  });
  after(() => server.stop());

  it('joins and leaves public rooms; the owner cannot leave; names are bounded', async () => {
    const room = await createRoom(t['alice'] ?? '', { name: '  lobby  ' });
    assert.equal(room.name, 'lobby', 'the name is trimmed');
    assert.equal(room.private, false);
    assert.equal(room.owner.id, 'alice');
    assert.deepEqual(room.members, [{ id: 'alice', name: 'Alice' }]);
    const joined = await gqlData<{ joinRoom: { members: { id: string }[] } }>(server.url, { token: t['bob'] ?? '', query: 'mutation($r: ID!) { joinRoom(roomId: $r) { members { id } } }', variables: { r: room.id } });
    assert.deepEqual(joined.joinRoom.members.map((m) => m.id), ['alice', 'bob']);
    const left = await gqlData<{ leaveRoom: { members: { id: string }[] } }>(server.url, { token: t['bob'] ?? '', query: 'mutation($r: ID!) { leaveRoom(roomId: $r) { members { id } } }', variables: { r: room.id } });
    assert.deepEqual(left.leaveRoom.members.map((m) => m.id), ['alice']);
    assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: 'mutation($r: ID!) { leaveRoom(roomId: $r) { id } }', variables: { r: room.id } }), 'FORBIDDEN', 'the owner cannot leave');
    for (const name of ['', '   ', 'x'.repeat(101)]) {
      assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }', variables: { n: name } }), 'BAD_USER_INPUT');
    }
    assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: 'mutation { joinRoom(roomId: "room_nope") { id } }' }), 'NOT_FOUND');
  });

  it('refuses documents over the alias and token limits with coded errors', async () => {
    const token = t['alice'] ?? '';
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
    assert.equal(await gqlErrorCode(server.url, { token, query: aliases }), 'GRAPHQL_VALIDATION_FAILED', 'alias limit');
    const deep = '{ rooms { edges { node { messages { edges { node { author { id } } } } owner { id } timers { startedBy { id } } } } } }';
    assert.equal((await gql(server.url, { token, query: deep })).body.errors, undefined, 'a realistic depth is fine');
    const tokens = `{ ${'viewer { id } '.repeat(600)} }`;
    assert.equal(await gqlErrorCode(server.url, { token, query: tokens }), 'GRAPHQL_PARSE_FAILED', 'token limit');
  });

  it('keeps private rooms invisible to non-members everywhere', async () => {
    const room = await createRoom(t['alice'] ?? '', { name: 'secret', private: true, memberIds: ['bob'] });
    await gqlData<Sent>(server.url, { token: t['bob'] ?? '', query: SEND, variables: { r: room.id, b: 'members only' } });
    const mallory = t['mallory'] ?? '';
    const { body } = await gql<{ room: null }>(server.url, { token: mallory, query: 'query($r: ID!) { room(id: $r) { id } }', variables: { r: room.id } });
    assert.deepEqual(body.data, { room: null });
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: 'query($r: ID!) { messages(roomId: $r) { edges { cursor } } }', variables: { r: room.id } }), 'NOT_FOUND');
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: SEND, variables: { r: room.id, b: 'let me in' } }), 'NOT_FOUND');
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', variables: { r: room.id } }), 'NOT_FOUND');
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', variables: { r: room.id } }), 'NOT_FOUND');
    const ws = connectWs(server.wsUrl, mallory);
    for (const query of [
      'subscription($r: ID!) { messageAdded(roomId: $r) { body } }',
      'subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }',
      'subscription($r: ID!) { presence(roomId: $r) { online } }',
      'subscription($r: ID!) { typing(roomId: $r) { typing } }',
    ]) {
      const sub = ws.subscribe(query, { r: room.id });
      await sub.waitForComplete();
      assert.deepEqual(sub.items, [], query);
      const codes = sub.payloads.flatMap((payload) => payload.errors?.map((error) => (error.extensions as { code?: string } | undefined)?.code) ?? []);
      assert.deepEqual(codes, ['NOT_FOUND'], query);
    }
    await ws.dispose();
    assert.equal(await count(room.id, t['bob']), 1, 'the member still reads it');
    // A member who leaves stops seeing it, and their open stream ends with NOT_FOUND.
    const bobWs = connectWs(server.wsUrl, t['bob']);
    const stream = bobWs.subscribe<{ messageAdded: { body: string } }>('subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { body } }', { r: room.id, a: null });
    await waitFor(
      async () => {
        await gqlData<Sent>(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: 'ping' } });
        return stream.items.length > 0;
      },
      { what: 'bob live', intervalMs: 100 },
    );
    await gqlData(server.url, { token: t['bob'] ?? '', query: 'mutation($r: ID!) { leaveRoom(roomId: $r) { id } }', variables: { r: room.id } });
    await stream.waitForComplete();
    const codes = stream.payloads.flatMap((payload) => payload.errors?.map((error) => (error.extensions as { code?: string } | undefined)?.code) ?? []);
    assert.deepEqual(codes, ['NOT_FOUND']);
    assert.equal(await gqlErrorCode(server.url, { token: t['bob'] ?? '', query: 'query($r: ID!) { messages(roomId: $r) { edges { cursor } } }', variables: { r: room.id } }), 'NOT_FOUND');
    await bobWs.dispose();
  });
});
