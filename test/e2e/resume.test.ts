// Resuming from a cursor: every missed message exactly once, then live, also while messages keep coming.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient as createSseClient } from 'graphql-sse';
import { gqlData } from '../helpers/graphql-http.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

interface Added {
  messageAdded: { seq: number; cursor: string; body: string };
}
const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq cursor body } }';
const ROOM_EVENTS = 'subscription($r: ID!, $a: String) { roomEvents(roomId: $r, after: $a) { __typename ... on MessageAdded { message { seq cursor } } } }';
const SEND = 'mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { seq cursor } }';

const consecutive = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume after a drop', () => {
  let server: ServerProcess;
  let token: string;
  const send = async (roomId: string, body: string) => (await gqlData<{ sendMessage: { seq: number; cursor: string } }>(server.url, { token, query: SEND, variables: { r: roomId, b: body } })).sendMessage;
  const newRoom = async (name: string) =>
    (await gqlData<{ createRoom: { id: string } }>(server.url, { token, query: 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }', variables: { n: name } })).createRoom.id;

  before(async () => {
    server = await startServer();
    token = await tokenFor('resumer');
  });
  after(() => server.stop());

  it('a subscriber that drops, misses N messages and resubscribes with its cursor gets exactly those N, then live ones', async () => {
    const roomId = await newRoom('drop');
    const first = await send(roomId, 'before anything');
    const ws1 = connectWs(server.wsUrl, token);
    const live = ws1.subscribe<Added>(MESSAGE_ADDED, { r: roomId, a: first.cursor });
    for (let i = 0; i < 5; i++) await send(roomId, `seen ${i}`);
    await live.waitForCount(5);
    assert.deepEqual(live.items.map((item) => item.messageAdded.seq), [2, 3, 4, 5, 6]);
    const lastCursor = live.items.at(-1)?.messageAdded.cursor;
    await ws1.dispose();

    const missed = 17;
    for (let i = 0; i < missed; i++) await send(roomId, `missed ${i}`);
    const ws2 = connectWs(server.wsUrl, token);
    const resumed = ws2.subscribe<Added>(MESSAGE_ADDED, { r: roomId, a: lastCursor });
    await resumed.waitForCount(missed);
    assert.deepEqual(resumed.items.map((item) => item.messageAdded.seq), consecutive(7, 6 + missed));
    assert.deepEqual(resumed.items.map((item) => item.messageAdded.body), Array.from({ length: missed }, (_, i) => `missed ${i}`));
    await send(roomId, 'live again');
    await resumed.waitForCount(missed + 1);
    assert.equal(resumed.items.at(-1)?.messageAdded.seq, 7 + missed);
    assert.equal(resumed.items.length, missed + 1, 'no duplicate');
    await ws2.dispose();
  });

  it('stays gap-free and duplicate-free when messages are sent while the replay runs', async () => {
    const roomId = await newRoom('concurrent');
    const first = await send(roomId, 'seq 1');
    for (let i = 0; i < 299; i++) await send(roomId, `history ${i}`);
    const ws = connectWs(server.wsUrl, token);
    const resumed = ws.subscribe<Added>(MESSAGE_ADDED, { r: roomId, a: first.cursor });
    const events = ws.subscribe<{ roomEvents: { __typename: string; message?: { seq: number } } }>(ROOM_EVENTS, { r: roomId, a: first.cursor });
    // 100 more, in parallel with the replays (batches of 10 concurrent sends).
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 10 }, (_, i) => send(roomId, `during ${batch}-${i}`)));
    // roomEvents also carries the subscriber's own presence; only its messages are counted here.
    const eventSeqs = () => events.items.filter((item) => item.roomEvents.__typename === 'MessageAdded').map((item) => item.roomEvents.message?.seq);
    await resumed.waitForCount(399, 15_000);
    await waitFor(() => eventSeqs().length >= 399, { what: '399 messages on roomEvents', timeoutMs: 15_000 });
    assert.deepEqual(resumed.items.map((item) => item.messageAdded.seq), consecutive(2, 400));
    assert.deepEqual(eventSeqs(), consecutive(2, 400), 'roomEvents obeys the same rule');
    // Sentinel: one more message, and it must be the next thing each stream delivers.
    await send(roomId, 'sentinel');
    await resumed.waitForCount(400);
    await waitFor(() => eventSeqs().length >= 400, { what: 'the sentinel on roomEvents' });
    assert.equal(resumed.items.length, 400);
    assert.equal(resumed.items.at(-1)?.messageAdded.seq, 401);
    assert.deepEqual(eventSeqs().slice(-2), [400, 401]);
    assert.equal(eventSeqs().length, 400);
    await ws.dispose();
  });

  it('resumes over SSE too', async () => {
    const roomId = await newRoom('sse');
    const first = await send(roomId, 'one');
    await send(roomId, 'two');
    await send(roomId, 'three');
    const client = createSseClient({ url: server.url, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const seqs: number[] = [];
    const stop = client.subscribe(
      { query: MESSAGE_ADDED, variables: { r: roomId, a: first.cursor } },
      {
        next: (payload) => {
          const seq = (payload.data as Added | undefined)?.messageAdded.seq;
          if (seq !== undefined) seqs.push(seq);
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    await waitFor(() => seqs.length >= 2, { what: 'the replay over SSE' });
    await send(roomId, 'four');
    await waitFor(() => seqs.length >= 3, { what: 'live over SSE' });
    assert.deepEqual(seqs, [2, 3, 4]);
    stop();
    client.dispose();
  });
});
