// History pages forwards and backwards with correct pageInfo, on Query.messages and Room.messages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

interface Page {
  edges: { cursor: string; node: { seq: number; cursor: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
const FIELDS = 'edges { cursor node { seq cursor } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';
const ARGS = '$first: Int, $after: String, $last: Int, $before: String';
const PASS = 'first: $first, after: $after, last: $last, before: $before';

describe('message history', () => {
  let server: AppFixture;
  let token: string;
  let roomId: string;
  let otherRoomCursor: string;

  const viaQuery = async (args: Record<string, unknown>): Promise<Page> =>
    (await gqlData<{ messages: Page }>(server.url, { token, query: `query($r: ID!, ${ARGS}) { messages(roomId: $r, ${PASS}) { ${FIELDS} } }`, variables: { r: roomId, ...args } })).messages;
  const viaRoom = async (args: Record<string, unknown>): Promise<Page> =>
    (await gqlData<{ room: { messages: Page } }>(server.url, { token, query: `query($r: ID!, ${ARGS}) { room(id: $r) { messages(${PASS}) { ${FIELDS} } } }`, variables: { r: roomId, ...args } })).room.messages;
  const summary = (page: Page) => ({
    seqs: page.edges.map((edge) => edge.node.seq),
    hasPreviousPage: page.pageInfo.hasPreviousPage,
    hasNextPage: page.pageInfo.hasNextPage,
  });

  before(async () => {
    server = await startServer();
    token = await tokenFor('historian');
    const create = 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }';
    roomId = (await gqlData<{ createRoom: { id: string } }>(server.url, { token, query: create, variables: { n: 'history' } })).createRoom.id;
    const otherRoomId = (await gqlData<{ createRoom: { id: string } }>(server.url, { token, query: create, variables: { n: 'other' } })).createRoom.id;
    const send = 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { cursor } }';
    for (let i = 1; i <= 25; i++) await gqlData(server.url, { token, query: send, variables: { r: roomId, b: `message ${i}` } });
    otherRoomCursor = (await gqlData<{ sendMessage: { cursor: string } }>(server.url, { token, query: send, variables: { r: otherRoomId, b: 'x' } })).sendMessage.cursor;
  });
  after(() => server.stop());

  for (const [name, read] of [
    ['Query.messages', () => viaQuery],
    ['Room.messages', () => viaRoom],
  ] as const) {
    it(`${name} pages forwards with first/after`, async () => {
      const page1 = await read()({ first: 10 });
      assert.deepEqual(summary(page1), { seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], hasPreviousPage: false, hasNextPage: true });
      assert.equal(page1.pageInfo.startCursor, page1.edges[0]?.cursor);
      assert.equal(page1.pageInfo.endCursor, page1.edges.at(-1)?.cursor);
      assert.equal(page1.edges[0]?.cursor, page1.edges[0]?.node.cursor, 'edge cursor is the message cursor');
      const page2 = await read()({ first: 10, after: page1.pageInfo.endCursor });
      assert.deepEqual(summary(page2), { seqs: [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], hasPreviousPage: true, hasNextPage: true });
      const page3 = await read()({ first: 10, after: page2.pageInfo.endCursor });
      assert.deepEqual(summary(page3), { seqs: [21, 22, 23, 24, 25], hasPreviousPage: true, hasNextPage: false });
      const empty = await read()({ first: 10, after: page3.pageInfo.endCursor });
      assert.deepEqual(summary(empty), { seqs: [], hasPreviousPage: true, hasNextPage: false });
      assert.equal(empty.pageInfo.startCursor, null);
      assert.equal(empty.pageInfo.endCursor, null);
      assert.deepEqual(summary(await read()({})).seqs.length, 20, 'default page is 20');
    });

    it(`${name} pages backwards with last/before`, async () => {
      const page1 = await read()({ last: 10 });
      assert.deepEqual(summary(page1), { seqs: [16, 17, 18, 19, 20, 21, 22, 23, 24, 25], hasPreviousPage: true, hasNextPage: false });
      const page2 = await read()({ last: 10, before: page1.pageInfo.startCursor });
      assert.deepEqual(summary(page2), { seqs: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], hasPreviousPage: true, hasNextPage: true });
      const page3 = await read()({ last: 10, before: page2.pageInfo.startCursor });
      assert.deepEqual(summary(page3), { seqs: [1, 2, 3, 4, 5], hasPreviousPage: false, hasNextPage: true });
    });
  }

  it("Room.headCursor lets a subscriber of an empty room miss nothing, however late the server starts it", async (t) => {
    const create = 'mutation($n: String!) { createRoom(input: { name: $n }) { id headCursor } }';
    const { createRoom } = await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, { token, query: create, variables: { n: 'empty' } });
    // Sent before the subscription exists at all: a live-only subscription would never see it.
    await gqlData(server.url, { token, query: 'mutation($r: ID!) { sendMessage(input: { roomId: $r, body: "early" }) { seq } }', variables: { r: createRoom.id } });
    const ws = connectWs(server.wsUrl, token);
    t.after(() => ws.dispose());
    const stream = ws.subscribe<{ messageAdded: { seq: number; body: string } }>(
      'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq body } }',
      { r: createRoom.id, a: createRoom.headCursor },
    );
    await stream.waitForCount(1);
    assert.deepEqual(stream.items.map((item) => item.messageAdded), [{ seq: 1, body: 'early' }]);
    const { room } = await gqlData<{ room: { headCursor: string } }>(server.url, { token, query: 'query($r: ID!) { room(id: $r) { headCursor } }', variables: { r: createRoom.id } });
    const page = await gqlData<{ messages: Page }>(server.url, { token, query: `query($r: ID!) { messages(roomId: $r, last: 1) { ${FIELDS} } }`, variables: { r: createRoom.id } });
    assert.equal(room.headCursor, page.messages.pageInfo.endCursor, 'the head cursor is the newest message cursor');
  });

  it('refuses malformed cursors, cursors of another room, and page sizes out of range', async () => {
    const query = `query($r: ID!, ${ARGS}) { messages(roomId: $r, ${PASS}) { edges { cursor } } }`;
    for (const variables of [{ after: 'garbage!' }, { before: 'eyJub3QiOiJhIGN1cnNvciJ9' }, { after: otherRoomCursor }, { first: 101 }, { last: 101 }, { first: -1 }]) {
      assert.equal(await gqlErrorCode(server.url, { token, query, variables: { r: roomId, ...variables } }), 'BAD_USER_INPUT', JSON.stringify(variables));
    }
    assert.deepEqual(summary(await viaQuery({ first: 100 })).seqs.length, 25, '100 is allowed');
  });
});
