// Rooms against a real server process: ownership, public and private visibility, listing, validation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, sendMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

interface RoomView {
  id: string;
  name: string;
  private: boolean;
  owner: { id: string };
  members: { id: string }[];
}
const ROOM = 'query($r: ID!) { room(id: $r) { id name private owner { id } members { id } } }';
const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { id members { id } } }';
const MESSAGES = 'query($r: ID!) { messages(roomId: $r) { edges { node { seq } } } }';
const SEND = 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { seq } }';
const CREATE = 'mutation($n: String!) { createRoom(input: { name: $n }) { id name } }';

describe('rooms', () => {
  let server: AppFixture;
  let alice: string;
  let bob: string;
  let mallory: string;
  const roomOf = async (token: string, id: string) => (await gqlData<{ room: RoomView | null }>(server.url, { token, query: ROOM, variables: { r: id } })).room;

  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice', 'Alice');
    bob = await tokenFor('bob', 'Bob');
    mallory = await tokenFor('mallory', 'Mallory');
  });
  after(() => server.stop());

  it('createRoom makes the caller the owner and a member', async () => {
    const room = await createRoom(server.url, alice, { name: 'lobby' });
    assert.equal(room.name, 'lobby');
    assert.equal(room.private, false);
    assert.equal(room.owner.id, 'alice');
    assert.deepEqual(room.members.map((member) => member.id), ['alice']);
    assert.deepEqual(await roomOf(alice, room.id), { id: room.id, name: 'lobby', private: false, owner: { id: 'alice' }, members: [{ id: 'alice' }] });
  });

  it('a public room can be read, joined and written by anyone', async () => {
    const room = await createRoom(server.url, alice, { name: 'town square' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'welcome' });
    assert.equal((await roomOf(mallory, room.id))?.id, room.id, 'a non-member sees it');
    assert.deepEqual(await historySeqs(server.url, mallory, room.id), [1], 'a non-member reads it');
    const joined = await gqlData<{ joinRoom: { id: string; members: { id: string }[] } }>(server.url, { token: bob, query: JOIN, variables: { r: room.id } });
    assert.deepEqual(joined.joinRoom.members.map((member) => member.id), ['alice', 'bob']);
    const sent = await sendMessage(server.url, bob, { roomId: room.id, body: 'hi all' });
    assert.equal(sent.seq, 2);
    assert.equal(sent.author.id, 'bob');
    assert.deepEqual(await historySeqs(server.url, alice, room.id), [1, 2]);
  });

  it('a private room exists only for its members', async () => {
    const room = await createRoom(server.url, alice, { name: 'back office', private: true, memberIds: ['bob'] });
    assert.equal(room.private, true);
    assert.deepEqual(room.members.map((member) => member.id).sort(), ['alice', 'bob']);

    // Members listed in memberIds (and the owner) read and write.
    assert.equal((await sendMessage(server.url, bob, { roomId: room.id, body: 'member here' })).seq, 1);
    assert.equal((await sendMessage(server.url, alice, { roomId: room.id, body: 'owner here' })).seq, 2);
    assert.equal((await roomOf(bob, room.id))?.id, room.id);
    assert.deepEqual(await historySeqs(server.url, bob, room.id), [1, 2]);

    // To anyone else it does not exist.
    assert.equal(await roomOf(mallory, room.id), null, 'room(id) is null');
    const variables = { r: room.id, b: 'let me in' };
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: MESSAGES, variables }), 'NOT_FOUND', 'messages');
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: SEND, variables }), 'NOT_FOUND', 'sendMessage');
    assert.equal(await gqlErrorCode(server.url, { token: mallory, query: JOIN, variables }), 'NOT_FOUND', 'joinRoom');
    assert.deepEqual(await historySeqs(server.url, alice, room.id), [1, 2], 'the refused send stored nothing');

    const ws = connectWs(server.wsUrl, mallory);
    try {
      for (const query of [
        'subscription($r: ID!) { messageAdded(roomId: $r) { seq } }',
        'subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }',
      ]) {
        const sub = ws.subscribe<Record<string, unknown>>(query, { r: room.id });
        await sub.waitForComplete();
        assert.deepEqual(sub.items, [], `${query}: no data`);
        assert.deepEqual(sub.errorCodes(), ['NOT_FOUND'], query);
      }
    } finally {
      await ws.dispose();
    }
  });

  it('rooms lists the rooms visible to the caller, oldest first, page by page', async () => {
    const carol = await tokenFor('carol');
    const dave = await tokenFor('dave');
    const publicByCarol = await createRoom(server.url, carol, { name: 'list: public' });
    const privateWithDave = await createRoom(server.url, carol, { name: 'list: private with dave', private: true, memberIds: ['dave'] });
    const privateCarolOnly = await createRoom(server.url, carol, { name: 'list: carol only', private: true });
    const publicByDave = await createRoom(server.url, dave, { name: 'list: dave public' });
    const privateDaveOnly = await createRoom(server.url, dave, { name: 'list: dave only', private: true });
    const ours = new Set([publicByCarol, privateWithDave, privateCarolOnly, publicByDave, privateDaveOnly].map((room) => room.id));

    const listAll = async (token: string): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const data: { rooms: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await gqlData(server.url, {
          token,
          query: 'query($a: String) { rooms(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }',
          variables: { a: cursor },
        });
        assert.ok(data.rooms.edges.length <= 2, 'first: 2 returns at most 2');
        seen.push(...data.rooms.edges.map((edge) => edge.node.id));
        if (!data.rooms.pageInfo.hasNextPage) return seen;
        cursor = data.rooms.pageInfo.endCursor;
      }
      throw new Error('rooms did not end within 50 pages');
    };

    const forDave = (await listAll(dave)).filter((id) => ours.has(id));
    assert.deepEqual(forDave, [publicByCarol.id, privateWithDave.id, publicByDave.id, privateDaveOnly.id]);
    const forCarol = (await listAll(carol)).filter((id) => ours.has(id));
    assert.deepEqual(forCarol, [publicByCarol.id, privateWithDave.id, privateCarolOnly.id, publicByDave.id]);
    const forStranger = (await listAll(await tokenFor('stranger'))).filter((id) => ours.has(id));
    assert.deepEqual(forStranger, [publicByCarol.id, publicByDave.id]);
    const all = await listAll(dave);
    assert.equal(new Set(all).size, all.length, 'no room is listed twice');
  });

  it('room names are trimmed and must be 1…100 characters', async () => {
    const padded = await gqlData<{ createRoom: { name: string } }>(server.url, { token: alice, query: CREATE, variables: { n: '  padded  ' } });
    assert.equal(padded.createRoom.name, 'padded');
    const longest = await gqlData<{ createRoom: { name: string } }>(server.url, { token: alice, query: CREATE, variables: { n: ` ${'n'.repeat(100)} ` } });
    assert.equal(longest.createRoom.name, 'n'.repeat(100));
    for (const name of ['', '    ', 'n'.repeat(101)]) {
      assert.equal(await gqlErrorCode(server.url, { token: alice, query: CREATE, variables: { n: name } }), 'BAD_USER_INPUT', `name of length ${name.length}`);
    }
  });

  it('an unknown room id is NOT_FOUND (and room(id) is null)', async () => {
    const variables = { r: 'room-that-does-not-exist', b: 'hello?' };
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: MESSAGES, variables }), 'NOT_FOUND', 'messages');
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: SEND, variables }), 'NOT_FOUND', 'sendMessage');
    assert.equal(await gqlErrorCode(server.url, { token: alice, query: JOIN, variables }), 'NOT_FOUND', 'joinRoom');
    const { body } = await gql<{ room: RoomView | null }>(server.url, { token: alice, query: ROOM, variables: { r: variables.r } });
    assert.equal(body.errors, undefined);
    assert.deepEqual(body.data, { room: null });
  });
});
