// The client's headline guarantee: across forced socket drops in the middle of a burst, the app sees
// every message exactly once and in order, and every optimistic send ends up stored exactly once.
// Both clients reach the server through a TCP proxy that the test cuts, so in-flight HTTP sends and both
// WebSockets break as they would on a real network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConnectionStatus, Message } from '../../client/index.js';
import { historySeqs } from '../helpers/operations.js';
import { gqlData } from '../helpers/graphql-http.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { recordingFetch } from './helpers/recording-fetch.js';
import { recordingWebSocket } from './helpers/recording-websocket.js';
import { useProxiedServer } from './helpers/proxied-server.js';

const BURST = 200;

describe('room stream: exactly once across reconnects', () => {
  const running = useProxiedServer();

  it(`delivers a burst of ${BURST} optimistic sends exactly once, in order, through two socket drops`, async (t) => {
    const alice = await clientFor(t, running.proxy().url, 'alice');
    const bobFetch = recordingFetch();
    const bobSocket = recordingWebSocket();
    const bob = await clientFor(t, running.proxy().url, 'bob', { fetch: bobFetch.fetch, webSocketImpl: bobSocket.WebSocket });
    const room = await alice.createRoom({ name: 'burst' });
    // An opening message, so the stream starts from a cursor (the empty-room case is tested below).
    await alice.sendMessage({ roomId: room.id, body: 'opener' });
    const aliceRoom = await alice.openRoom(room.id);
    const bobRoom = await bob.openRoom(room.id);
    t.after(() => aliceRoom.close());
    t.after(() => bobRoom.close());

    const seen: Message[] = [];
    bobRoom.onMessage((message) => seen.push(message));
    const historyReadsAtOpen = bobFetch.requests.filter((request) => request.operationName === 'Messages').length;
    const statuses: ConnectionStatus[] = [];
    // The cursor bob holds when a socket is found dead: nothing more can arrive on that socket.
    const cursorsAtDrops: (string | undefined)[] = [];
    bob.status.subscribe((status) => {
      statuses.push(status);
      if (status === 'reconnecting') cursorsAtDrops.push(bobRoom.cursor());
    });

    const bodies = Array.from({ length: BURST }, (_, i) => `burst ${i}`);
    for (const body of bodies) aliceRoom.send(body);
    assert.equal(aliceRoom.timeline.get().filter((entry) => entry.status === 'pending').length, BURST, 'all shown as pending at once');

    for (const threshold of [BURST / 4, (BURST * 3) / 5]) {
      await waitFor(() => seen.length >= threshold, { timeoutMs: 20_000, what: () => `bob sees ${threshold} messages (has ${seen.length})` });
      assert.ok(seen.length < BURST, 'the cut falls inside the burst');
      assert.ok(running.proxy().cut() >= 2, 'both sockets (and any in-flight send) were cut');
    }

    await waitFor(() => seen.length >= BURST, { timeoutMs: 30_000, what: () => `bob sees all ${BURST} (has ${seen.length})` });
    assert.deepEqual(seen.map((message) => message.body), bodies, 'every message once, in order');
    assert.deepEqual(seen.map((message) => message.seq), seen.map((_, i) => i + 2), 'seqs 2…201 with no gap or repeat');
    assert.ok(statuses.filter((status) => status === 'reconnecting').length >= 2, `bob reconnected twice: ${statuses.join(' ')}`);
    assert.equal(bob.status.get(), 'connected');
    // After each drop the room stream was resubscribed with `after` = the cursor of the last message bob
    // had when the socket died, and the missed messages came from that replay, not from history reads.
    const roomEventsAfters = bobSocket.frames
      .filter((frame) => frame.type === 'subscribe' && frame.payload?.query?.includes('roomEvents'))
      .map((frame) => frame.payload?.variables?.['after']);
    assert.equal(roomEventsAfters.length, 3, 'subscribed once, resubscribed after each of the two drops');
    assert.deepEqual(roomEventsAfters.slice(1), cursorsAtDrops);
    assert.equal(bobFetch.requests.filter((request) => request.operationName === 'Messages').length, historyReadsAtOpen);

    await waitFor(() => aliceRoom.timeline.get().every((entry) => entry.status === 'sent'), {
      timeoutMs: 10_000,
      what: 'alice sees every send confirmed',
    });
    assert.deepEqual(aliceRoom.timeline.get().slice(-BURST).map((entry) => entry.body), bodies);

    // The server stored each send once, although sends cut in flight were retried.
    const token = await tokenFor('alice');
    const stored = await gqlData<{ messages: { edges: { node: { clientId: string | null } }[] } }>(running.server().url, {
      token,
      query: 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { clientId } } } }',
      variables: { r: room.id },
    });
    assert.equal(new Set(stored.messages.edges.map((edge) => edge.node.clientId)).size, 100, 'the last 100 have distinct clientIds');
    const firstPage = await historySeqs(running.server().url, token, room.id);
    assert.equal(firstPage.at(-1), 100);
    const last = await gqlData<{ messages: { edges: { node: { seq: number } }[] } }>(running.server().url, {
      token,
      query: 'query($r: ID!) { messages(roomId: $r, last: 1) { edges { node { seq } } } }',
      variables: { r: room.id },
    });
    assert.equal(last.messages.edges[0]?.node.seq, BURST + 1, 'opener + 200, nothing stored twice');
  });

  it('fills the gap of a room that had no cursor yet, and replays what a dropped socket missed', async (t) => {
    const alice = await clientFor(t, running.server().url, 'alice');
    const bob = await clientFor(t, running.proxy().url, 'bob');
    const room = await alice.createRoom({ name: 'empty at first' });
    const bobRoom = await bob.openRoom(room.id);
    t.after(() => bobRoom.close());
    const seen: number[] = [];
    bobRoom.onMessage((message) => seen.push(message.seq));

    // Sent straight to the server while bob's socket is refused: bob's live-only stream (the room had no
    // cursor when it opened) misses them and must read them from history.
    running.proxy().refuse(true);
    running.proxy().cut();
    await waitFor(() => bob.status.get() === 'reconnecting', { what: 'bob notices the drop' });
    for (let i = 1; i <= 30; i++) await alice.sendMessage({ roomId: room.id, body: `missed ${i}` });
    running.proxy().refuse(false);
    await waitFor(() => bob.status.get() === 'connected', { timeoutMs: 10_000, what: 'bob reconnects' });
    await alice.sendMessage({ roomId: room.id, body: 'live after' });

    await waitFor(() => seen.length >= 31, { timeoutMs: 10_000, what: () => `31 messages (have ${seen.length})` });
    assert.deepEqual(seen, Array.from({ length: 31 }, (_, i) => i + 1));
    assert.equal(bobRoom.cursor() !== undefined, true);
  });
});
