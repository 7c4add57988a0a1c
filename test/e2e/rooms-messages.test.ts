// Rooms, private rooms, sending, idempotency and input validation against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const SEND = 'mutation($r: ID!, $b: String!, $c: String) { sendMessage(input: { roomId: $r, body: $b, clientId: $c }) { id seq cursor body clientId author { id name } } }';
interface Sent {
  sendMessage: { id: string; seq: number; cursor: string; body: string; clientId: string | null; author: { id: string; name: string } };
}

describe('rooms and messages', () => {
  let server: ServerProcess;
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

  it('creates a room with the caller as owner and member; anyone may join a public room', async () => {
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

  it('lists visible rooms oldest first, page by page', async () => {
    const viewer = await tokenFor(`lister-${Date.now()}`);
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push(await createRoom(viewer, { name: `listed-${i}` }));
    const hidden = await createRoom(t['alice'] ?? '', { name: 'hidden', private: true });
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const data: { rooms: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await gqlData(server.url, {
        token: viewer,
        query: 'query($a: String) { rooms(first: 2, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }',
        variables: { a: after },
      });
      seen.push(...data.rooms.edges.map((edge) => edge.node.id));
      if (!data.rooms.pageInfo.hasNextPage) break;
      after = data.rooms.pageInfo.endCursor;
    }
    const positions = mine.map((room) => seen.indexOf(room.id));
    assert.ok(positions.every((p) => p >= 0), 'own rooms are listed');
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, 'oldest first');
    assert.ok(!seen.includes(hidden.id), "another user's private room is not listed");
    assert.equal(await gqlErrorCode(server.url, { token: viewer, query: '{ rooms(first: 101) { edges { cursor } } }' }), 'BAD_USER_INPUT');
    assert.equal(await gqlErrorCode(server.url, { token: viewer, query: '{ rooms(after: "bogus") { edges { cursor } } }' }), 'BAD_USER_INPUT');
  });

  it('numbers messages 1, 2, 3 … per room and stores them trimmed', async () => {
    const room = await createRoom(t['alice'] ?? '', { name: 'seq' });
    const other = await createRoom(t['alice'] ?? '', { name: 'seq-other' });
    const seqs = [];
    for (let i = 0; i < 3; i++) seqs.push((await gqlData<Sent>(server.url, { token: t['bob'] ?? '', query: SEND, variables: { r: room.id, b: `  hello ${i}  ` } })).sendMessage);
    assert.deepEqual(seqs.map((m) => m.seq), [1, 2, 3]);
    assert.equal(seqs[0]?.body, 'hello 0');
    assert.deepEqual(seqs[0]?.author, { id: 'bob', name: 'Bob' });
    assert.equal((await gqlData<Sent>(server.url, { token: t['bob'] ?? '', query: SEND, variables: { r: other.id, b: 'elsewhere' } })).sendMessage.seq, 1, 'seq is per room');
  });

  it('stores one message for a repeated clientId and publishes it once', async () => {
    const room = await createRoom(t['alice'] ?? '', { name: 'idempotent' });
    const ws = connectWs(server.wsUrl, t['alice']);
    const live = ws.subscribe<{ messageAdded: { seq: number; clientId: string | null } }>('subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq clientId } }', { r: room.id, a: null });
    // Make sure the subscription is live before the interesting sends.
    await waitFor(
      async () => {
        await gqlData<Sent>(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: 'warm-up', c: `warm-${Date.now()}` } });
        return live.items.length > 0;
      },
      { what: 'live subscription', intervalMs: 100 },
    );
    const before = live.items.length;
    const first = (await gqlData<Sent>(server.url, { token: t['bob'] ?? '', query: SEND, variables: { r: room.id, b: 'once', c: 'retry-1' } })).sendMessage;
    const again = (await gqlData<Sent>(server.url, { token: t['bob'] ?? '', query: SEND, variables: { r: room.id, b: 'once, retried', c: 'retry-1' } })).sendMessage;
    assert.deepEqual(again, first, 'the first message comes back');
    const total = await count(room.id);
    // Sentinel: the next live message after bob's must be the sentinel, not a duplicate.
    const sentinel = (await gqlData<Sent>(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: 'sentinel' } })).sendMessage;
    await live.waitForCount(before + 2);
    assert.deepEqual(live.items.slice(before).map((item) => item.messageAdded.seq), [first.seq, sentinel.seq]);
    assert.equal(total, first.seq, 'nothing new was stored');
    await ws.dispose();
  });

  it('refuses empty, blank and oversized bodies and out-of-range numbers with BAD_USER_INPUT, storing nothing', async () => {
    const room = await createRoom(t['alice'] ?? '', { name: 'validation' });
    for (const body of ['', '   \n\t ', 'x'.repeat(4_001), 'y'.repeat(100_000)]) {
      assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: body } }), 'BAD_USER_INPUT', `body of ${body.length}`);
    }
    assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: 'ok', c: 'c'.repeat(129) } }), 'BAD_USER_INPUT', 'clientId too long');
    const ok = await gqlData<Sent>(server.url, { token: t['alice'] ?? '', query: SEND, variables: { r: room.id, b: 'x'.repeat(4_000) } });
    assert.equal(ok.sendMessage.seq, 1, 'nothing was stored by the refusals; 4,000 characters is allowed');
    const page = 'query($r: ID!, $f: Int, $l: Int) { messages(roomId: $r, first: $f, last: $l) { edges { cursor } } }';
    for (const variables of [{ f: 101 }, { f: -1 }, { l: 101 }, { f: 3_000_000_000 }, { l: -2_147_483_649 }]) {
      assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: page, variables: { r: room.id, ...variables } }), 'BAD_USER_INPUT', JSON.stringify(variables));
    }
    const durationOutOfInt = 'mutation($r: ID!, $d: Int!) { startTimer(input: { roomId: $r, durationMs: $d }) { id } }';
    assert.equal(await gqlErrorCode(server.url, { token: t['alice'] ?? '', query: durationOutOfInt, variables: { r: room.id, d: 1e12 } }), 'BAD_USER_INPUT');
    assert.equal(await count(room.id), 1);
  });

  it('codes GraphQL failures and limits', async () => {
    const token = t['alice'] ?? '';
    assert.equal(await gqlErrorCode(server.url, { token, query: '{ viewer { id ' }), 'GRAPHQL_PARSE_FAILED');
    assert.equal(await gqlErrorCode(server.url, { token, query: '{ viewer { nope } }' }), 'GRAPHQL_VALIDATION_FAILED');
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: viewer { id }`).join(' ')} }`;
    assert.equal(await gqlErrorCode(server.url, { token, query: aliases }), 'GRAPHQL_VALIDATION_FAILED', 'alias limit');
    const deep = '{ rooms { edges { node { messages { edges { node { author { id } } } } owner { id } timers { startedBy { id } } } } } }';
    assert.equal((await gql(server.url, { token, query: deep })).body.errors, undefined, 'a realistic depth is fine');
    const tokens = `{ ${'viewer { id } '.repeat(600)} }`;
    assert.equal(await gqlErrorCode(server.url, { token, query: tokens }), 'GRAPHQL_PARSE_FAILED', 'token limit');
    assert.equal(await gqlErrorCode(server.url, { token, query: '{ messages(roomId: "x", after: "not-a-cursor") { edges { cursor } } }' }), 'NOT_FOUND');
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
