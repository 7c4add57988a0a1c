// Presence, typing and read receipts with real graphql-ws clients against a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs, type TestWsClient } from '../helpers/ws-client.js';

const GRACE_MS = 800;
const KEEPALIVE_MS = 300;
const TYPING_TTL_MS = 600;

interface RoomEvent {
  roomEvents: {
    __typename: string;
    event?: { user: { id: string }; online?: boolean; typing?: boolean };
    receipt?: { user: { id: string }; seq: number };
  };
}

/** `bob:online`, `bob:typing`, `bob:read:3` … from roomEvents payloads. */
const describeEvent = ({ roomEvents: e }: RoomEvent): string => {
  if (e.__typename === 'PresenceChanged') return `${e.event?.user.id}:${e.event?.online ? 'online' : 'offline'}`;
  if (e.__typename === 'TypingChanged') return `${e.event?.user.id}:${e.event?.typing ? 'typing' : 'idle'}`;
  if (e.__typename === 'ReadReceiptAdded') return `${e.receipt?.user.id}:read:${e.receipt?.seq}`;
  return e.__typename;
};

const ROOM_EVENTS = `subscription($roomId: ID!) { roomEvents(roomId: $roomId) {
  __typename
  ... on PresenceChanged { event { user { id } online } }
  ... on TypingChanged { event { user { id } typing } }
  ... on ReadReceiptAdded { receipt { user { id } seq } }
} }`;
const MESSAGES = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { seq } }';

describe('presence, typing and receipts over graphql-ws', () => {
  let server: AppFixture;
  const tokens: Record<string, string> = {};
  const clients: TestWsClient[] = [];
  const connect = (user: string) => {
    const client = connectWs(server.wsUrl, tokens[user]);
    clients.push(client);
    return client;
  };
  const createRoom = async (name: string) =>
    (await gqlData<{ createRoom: { id: string } }>(server.url, { token: tokens['alice'] ?? '', query: `mutation { createRoom(input: { name: "${name}" }) { id } }` })).createRoom.id;
  const online = async (roomId: string) =>
    (await gqlData<{ room: { online: { id: string }[] } }>(server.url, { token: tokens['alice'] ?? '', query: 'query($r: ID!) { room(id: $r) { online { id } } }', variables: { r: roomId } })).room.online.map((u) => u.id).sort();
  /** Alice's view of a room's events, once her subscription is live (her own arrival is its first event). */
  const watch = async (roomId: string) => {
    const events = connect('alice').subscribe<RoomEvent>(ROOM_EVENTS, { roomId });
    await events.waitForCount(1);
    assert.equal(describeEvent(events.items[0] as RoomEvent), 'alice:online');
    // Messages are not what these tests look at.
    return { events, seen: () => events.items.slice(1).map(describeEvent).filter((e) => e !== 'MessageAdded') };
  };
  /** Bob subscribed to the room on a connection of his own, once the server has counted him online. */
  const bobJoins = async (roomId: string, seen: () => string[], expected: number) => {
    const bob = connect('bob');
    bob.subscribe(MESSAGES, { roomId });
    await waitFor(() => seen().length >= expected, { what: `bob's arrival (${expected} events)`, timeoutMs: 5_000 });
    return bob;
  };

  before(async () => {
    server = await startServer({ env: { PRESENCE_GRACE_MS: String(GRACE_MS), KEEPALIVE_MS: String(KEEPALIVE_MS), TYPING_TTL_MS: String(TYPING_TTL_MS) } });
    for (const user of ['alice', 'bob', 'carol']) tokens[user] = await tokenFor(user, user.toUpperCase());
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await server.stop();
  });

  it('counts two connections of one user once; offline only a grace period after both close', async () => {
    const roomId = await createRoom('two-tabs');
    const { seen } = await watch(roomId);
    const tab1 = await bobJoins(roomId, seen, 1);
    // tab 2 is live once it has received a message; replaying from a cursor makes that independent of
    // when the server started listening.
    const send = (body: string) =>
      gqlData<{ sendMessage: { cursor: string } }>(server.url, {
        token: tokens['carol'] ?? '',
        query: 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { cursor } }',
        variables: { r: roomId, b: body },
      });
    const opener = await send('opener');
    const tab2 = connect('bob');
    const tab2Messages = tab2.subscribe<{ messageAdded: { seq: number } }>('subscription($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { seq } }', {
      roomId,
      after: opener.sendMessage.cursor,
    });
    await send('hi');
    await tab2Messages.waitForCount(1);
    assert.deepEqual(seen(), ['bob:online'], 'two connections count once');

    await tab1.dispose();
    assert.deepEqual(await online(roomId), ['alice', 'bob']);
    await tab2.dispose();
    const closedAt = Date.now();
    assert.deepEqual(await online(roomId), ['alice', 'bob'], 'still online inside the grace period');
    await waitFor(() => seen().includes('bob:offline'), { what: 'bob offline', timeoutMs: GRACE_MS + 3_000 });
    assert.ok(Date.now() - closedAt >= GRACE_MS - 50, `offline after ${Date.now() - closedAt} ms, not before the grace period`);
    assert.deepEqual(seen(), ['bob:online', 'bob:offline']);
    assert.deepEqual(await online(roomId), ['alice']);
  });

  it('a socket that stops answering (no close frame) ends offline within keep-alive + grace', async () => {
    const roomId = await createRoom('vanished');
    const { seen } = await watch(roomId);
    const bob = await bobJoins(roomId, seen, 1);
    const socket = await waitFor(() => bob.socket(), { what: 'bob socket' });
    // The peer vanishes: its TCP socket stops reading, so it neither answers pings nor sends a close frame.
    const raw = (socket as unknown as { _socket: { pause(): void } })._socket; // ws keeps its net.Socket here
    raw.pause();
    const vanishedAt = Date.now();
    await waitFor(() => seen().includes('bob:offline'), { what: 'bob offline after vanishing', timeoutMs: 2 * KEEPALIVE_MS + GRACE_MS + 3_000 });
    const tookMs = Date.now() - vanishedAt;
    assert.ok(tookMs >= GRACE_MS, `offline after ${tookMs} ms`);
    assert.deepEqual(seen(), ['bob:online', 'bob:offline']);
  });

  it('a reload inside the grace period produces no offline/online pair', async () => {
    const roomId = await createRoom('reload');
    const { seen } = await watch(roomId);
    const page1 = await bobJoins(roomId, seen, 1);
    const carol = connect('carol');
    carol.subscribe(MESSAGES, { roomId });
    await waitFor(() => seen().includes('carol:online'), { what: 'carol online' });
    // Reload: the old page closes, the new one opens at once.
    await page1.dispose();
    const page2 = connect('bob');
    page2.subscribe(MESSAGES, { roomId });
    // Sentinel: carol leaves after bob's old page closed; her offline comes one grace period later, after
    // any offline of bob's would have. Nothing of bob's may stand between.
    await carol.dispose();
    await waitFor(() => seen().includes('carol:offline'), { what: 'carol offline (sentinel)', timeoutMs: GRACE_MS + 3_000 });
    assert.deepEqual(seen(), ['bob:online', 'carol:online', 'carol:offline']);
    assert.deepEqual(await online(roomId), ['alice', 'bob']);
  });

  it('an SSE stream holds presence, and a closed request ends it after the grace period', async () => {
    const roomId = await createRoom('sse-presence');
    const { seen } = await watch(roomId);
    const controller = new AbortController();
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tokens['bob']}` },
      body: JSON.stringify({ query: MESSAGES, variables: { roomId } }),
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    await waitFor(() => seen().includes('bob:online'), { what: 'bob online over SSE' });
    controller.abort();
    await waitFor(() => seen().includes('bob:offline'), { what: 'bob offline after the request closed', timeoutMs: GRACE_MS + 3_000 });
    assert.deepEqual(seen(), ['bob:online', 'bob:offline']);
  });

  it('typing expires by itself, a renewal is silent, and false ends it at once', async () => {
    const roomId = await createRoom('typing');
    const { seen } = await watch(roomId);
    const setTyping = (typing: boolean) =>
      gqlData(server.url, { token: tokens['bob'] ?? '', query: 'mutation($r: ID!, $t: Boolean!) { setTyping(roomId: $r, typing: $t) }', variables: { r: roomId, t: typing } });
    await setTyping(true);
    await setTyping(true);
    await waitFor(() => seen().includes('bob:idle'), { what: 'typing to expire', timeoutMs: TYPING_TTL_MS + 3_000 });
    assert.deepEqual(seen(), ['bob:typing', 'bob:idle']);
    await setTyping(true);
    await setTyping(false);
    await waitFor(() => seen().length >= 4, { what: 'typing on and off' });
    assert.deepEqual(seen(), ['bob:typing', 'bob:idle', 'bob:typing', 'bob:idle']);
  });

  it('read pointers never move back, and unreadCount matches', async () => {
    const roomId = await createRoom('receipts');
    const { seen } = await watch(roomId);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { sendMessage } = await gqlData<{ sendMessage: { id: string } }>(server.url, {
        token: tokens['alice'] ?? '',
        query: 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { id } }',
        variables: { r: roomId, b: `m${i}` },
      });
      ids.push(sendMessage.id);
    }
    const markRead = (messageId: string | undefined) =>
      gqlData<{ markRead: { seq: number; messageId: string } }>(server.url, {
        token: tokens['bob'] ?? '',
        query: 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { seq messageId } }',
        variables: { r: roomId, m: messageId },
      });
    const unread = async () =>
      (await gqlData<{ room: { unreadCount: number } }>(server.url, { token: tokens['bob'] ?? '', query: 'query($r: ID!) { room(id: $r) { unreadCount } }', variables: { r: roomId } })).room.unreadCount;
    assert.equal(await unread(), 5);
    assert.equal((await markRead(ids[3])).markRead.seq, 4);
    assert.equal(await unread(), 1);
    assert.deepEqual((await markRead(ids[1])).markRead, { seq: 4, messageId: ids[3] }, 'a lower seq returns the current receipt');
    assert.equal(await unread(), 1);
    await markRead(ids[4]);
    assert.equal(await unread(), 0);
    await waitFor(() => seen().length >= 2, { what: 'two receipts' });
    assert.deepEqual(seen().filter((e) => e.includes(':read:')), ['bob:read:4', 'bob:read:5']);
  });

  it('sends presence and typing events only to subscribers of that room', async () => {
    const busy = await createRoom('busy');
    const quiet = await createRoom('quiet');
    const busyView = await watch(busy);
    const quietView = await watch(quiet);
    const bob = await bobJoins(busy, busyView.seen, 1);
    await gqlData(server.url, { token: tokens['bob'] ?? '', query: 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', variables: { r: busy } });
    await waitFor(() => busyView.seen().includes('bob:typing'), { what: 'typing in the busy room' });
    // Sentinel in the quiet room: it must be the first thing that room's subscriber sees.
    await gqlData(server.url, { token: tokens['carol'] ?? '', query: 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', variables: { r: quiet } });
    await waitFor(() => quietView.seen().length >= 1, { what: 'the sentinel in the quiet room' });
    assert.deepEqual(quietView.seen(), ['carol:typing']);
    await bob.dispose();
  });
});
