// Subscribers that stop reading: their TCP sockets are paused, so the kernel's buffers fill and the
// server's writes back up, while 50 MB of messages are published to their room. The server must cut them
// off once MAX_SOCKET_BUFFER_BYTES are held for them (graphql-ws: close code 4008; SSE: a SLOW_CONSUMER
// error and the end of the stream), keep its memory bounded, and still deliver everything, once and in
// order, to a subscriber that reads. The cut-off client then resumes from its cursor.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { gqlData } from '../helpers/graphql-http.js';
import { sample, scrapeMetrics } from '../helpers/metrics.js';
import { createRoom, range, sendMessage } from '../helpers/operations.js';
import { peakRssBytes, rssBytes } from '../helpers/proc-stats.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const MIB = 1024 * 1024;
/** MAX_SOCKET_BUFFER_BYTES of the server under test (the default is 4 MiB). */
const CAP_BYTES = 1 * MIB;
/** Subscribers that stop reading. */
const STALLED = 3;
/** The README's bounds on the server's resident memory through this test: its peak, and its growth while publishing. */
const RSS_BOUND_BYTES = 220 * MIB;
const RSS_GROWTH_BOUND_BYTES = 48 * MIB;
const SLOW_CONSUMER_CLOSE_CODE = 4008;

// The longest body the contract allows, 4,000 characters, of a 3-byte character: 12,000 bytes of UTF-8.
const BODY = '€'.repeat(4_000);
const BODY_BYTES = Buffer.byteLength(BODY);
// One request sends a batch of messages under aliases (at most MAX_QUERY_ALIASES, 30 by default).
const BATCH = 30;
const BATCHES = Math.ceil((50 * MIB) / (BODY_BYTES * BATCH));
const SEND_BATCH = `mutation($r: ID!, $b: String!) { ${range(1, BATCH)
  .map((i) => `m${i}: sendMessage(input: { roomId: $r, body: $b }) { seq }`)
  .join(' ')} }`;

interface Position {
  seq: number;
  cursor: string;
}

/** The `slow consumer disconnected` log lines of the server, by transport. */
const slowConsumerLogs = (server: ServerProcess, transport: 'graphql-ws' | 'sse'): { bufferedBytes: number }[] =>
  server.output().flatMap((line) => {
    try {
      const entry = JSON.parse(line) as { msg?: unknown; transport?: unknown; bufferedBytes?: unknown };
      return entry.msg === 'slow consumer disconnected' && entry.transport === transport && typeof entry.bufferedBytes === 'number'
        ? [{ bufferedBytes: entry.bufferedBytes }]
        : [];
    } catch {
      return [];
    }
  });

/** Samples the server's resident memory while `work` runs; returns the highest sample. */
const sampleRss = async (pid: number, work: () => Promise<void>): Promise<number> => {
  let highest = rssBytes(pid);
  const timer = setInterval(() => {
    highest = Math.max(highest, rssBytes(pid));
  }, 20);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(highest, rssBytes(pid));
};

// ws keeps the TCP socket under a private name; pausing it stops reading at the TCP level, as a client
// that has stopped reading would.
const tcpOf = (socket: WebSocket): Socket => (socket as unknown as { _socket: Socket })._socket;

/** A graphql-ws client written by hand, so that its socket can be stalled under the protocol. */
const openRawSubscriber = async (wsUrl: string, token: string, query: string, variables: Record<string, unknown>) => {
  const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
  const messages: { type?: string; payload?: { data?: { messageAdded?: Position } } }[] = [];
  const closed = new Promise<number>((resolve) => socket.once('close', (code: number) => resolve(code)));
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as never)); // the server sends JSON objects
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await waitFor(() => messages.some((message) => message.type === 'connection_ack'), { what: 'connection_ack' });
  socket.send(JSON.stringify({ id: 'slow', type: 'subscribe', payload: { query, variables } }));
  return {
    socket,
    closed,
    positions: (): Position[] => messages.flatMap((message) => (message.payload?.data?.messageAdded ? [message.payload.data.messageAdded] : [])),
  };
};

/** An SSE subscription read with node:http, so that its socket can be stalled. */
const openSse = async (url: string, token: string, roomId: string) => {
  let text = '';
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    });
    req.once('response', resolve).once('error', reject);
    req.end(JSON.stringify({ query: 'subscription($r: ID!) { messageAdded(roomId: $r) { seq cursor body } }', variables: { r: roomId } }));
  });
  assert.equal(response.statusCode, 200);
  response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  // A destroyed connection errors the response; the tests look at what was read.
  response.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => response.once('end', resolve));
  return { response, ended, text: () => text };
};

describe('slow consumers', () => {
  let server: ServerProcess;
  let alice: string;
  before(async () => {
    server = await startServer({ env: { MAX_SOCKET_BUFFER_BYTES: String(CAP_BYTES), PRESENCE_GRACE_MS: '0' } });
    alice = await tokenFor('alice');
  });
  after(() => server.stop());

  const publishBatch = (roomId: string) => gqlData(server.url, { token: alice, query: SEND_BATCH, variables: { r: roomId, b: BODY } });
  /** Who holds a subscription on the room now (PRESENCE_GRACE_MS is 0 here). */
  const online = async (roomId: string) =>
    (
      await gqlData<{ room: { online: { id: string }[] } }>(server.url, { token: alice, query: 'query($r: ID!) { room(id: $r) { online { id } } }', variables: { r: roomId } })
    ).room.online.map((user) => user.id);

  it('graphql-ws: a socket that stops reading is closed with 4008 past the cap, memory stays bounded, a reader gets everything once', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'slow-ws' });
    const reader = connectWs(server.wsUrl, await tokenFor('reader'));
    t.after(() => reader.dispose());
    const read = reader.subscribe<{ messageAdded: { seq: number; body: string } }>('subscription($r: ID!) { messageAdded(roomId: $r) { seq body } }', {
      r: room.id,
    });
    // Several stalled readers, so that what an uncapped server would buffer for them stands out.
    const slow = await Promise.all(
      range(1, STALLED).map(async (i) =>
        openRawSubscriber(server.wsUrl, await tokenFor(`slow-${i}`), 'subscription($r: ID!) { messageAdded(roomId: $r) { seq cursor body } }', { r: room.id }),
      ),
    );
    t.after(() => slow.forEach((subscriber) => subscriber.socket.terminate()));
    // A first message proves every subscription live before the slow ones stop reading.
    await sendMessage(server.url, alice, { roomId: room.id, body: BODY });
    await read.waitForCount(1);
    await waitFor(() => slow.every((subscriber) => subscriber.positions().length === 1), { what: 'the slow subscribers to receive the first message' });
    for (const subscriber of slow) tcpOf(subscriber.socket).pause();

    // Once the server has cut them off, the clients read again: everything buffered, then the close frame.
    const cutOff = waitFor(() => slowConsumerLogs(server, 'graphql-ws').length >= STALLED, { timeoutMs: 60_000, what: 'the server to cut the slow sockets off' }).then(() => {
      for (const subscriber of slow) tcpOf(subscriber.socket).resume();
    });
    const baselineRss = rssBytes(server.pid);
    const highestRss = await sampleRss(server.pid, async () => {
      for (let batch = 0; batch < BATCHES; batch++) await publishBatch(room.id);
    });
    const total = 1 + BATCHES * BATCH;
    await cutOff;
    assert.deepEqual(await Promise.all(slow.map((subscriber) => subscriber.closed)), range(1, STALLED).map(() => SLOW_CONSUMER_CLOSE_CODE));
    const logged = slowConsumerLogs(server, 'graphql-ws');
    assert.equal(logged.length, STALLED);
    assert.equal(sample(await scrapeMetrics(server.port), 'roomcast_slow_consumers_cut_total', { transport: 'ws' }), STALLED);
    for (const { bufferedBytes } of logged) assert.ok(bufferedBytes > CAP_BYTES && bufferedBytes < CAP_BYTES + 2 * BODY_BYTES, `cut at ${bufferedBytes} bytes`);
    // A closed socket gives back its subscriptions.
    await waitFor(async () => (await online(room.id)).every((id) => !id.startsWith('slow-')), { what: 'the cut-off subscribers to go offline' });

    await read.waitForCount(total, 30_000);
    assert.deepEqual(
      read.items.map((item) => item.messageAdded.seq),
      range(1, total),
    );
    assert.ok(read.items.every((item) => item.messageAdded.body === BODY));

    const peakRss = peakRssBytes(server.pid);
    t.diagnostic(
      `published ${total} messages, ${((total * BODY_BYTES) / MIB).toFixed(1)} MiB of bodies; slow sockets cut at ${logged.map((entry) => entry.bufferedBytes).join(', ')} bytes after ${slow.map((subscriber) => subscriber.positions().length).join(', ')} messages; ` +
        `server RSS before ${(baselineRss / MIB).toFixed(1)} MiB, highest while publishing ${(highestRss / MIB).toFixed(1)} MiB, VmHWM ${(peakRss / MIB).toFixed(1)} MiB`,
    );
    assert.ok(peakRss < RSS_BOUND_BYTES, `server peak RSS ${(peakRss / MIB).toFixed(1)} MiB is over ${RSS_BOUND_BYTES / MIB} MiB`);
    assert.ok(highestRss - baselineRss < RSS_GROWTH_BOUND_BYTES, `server RSS grew by ${((highestRss - baselineRss) / MIB).toFixed(1)} MiB while publishing`);

    // The cut-off client resumes from the last cursor it received and misses nothing.
    const delivered = slow[0]?.positions() ?? [];
    const last = delivered[delivered.length - 1];
    assert.ok(last && last.seq < total, 'the slow subscriber was cut off before the end');
    assert.deepEqual(
      delivered.map((position) => position.seq),
      range(1, last.seq),
    );
    const again = connectWs(server.wsUrl, await tokenFor('slow-1'));
    t.after(() => again.dispose());
    const resumed = again.subscribe<{ messageAdded: { seq: number } }>('subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }', {
      r: room.id,
      a: last.cursor,
    });
    await resumed.waitForCount(total - last.seq, 30_000);
    assert.deepEqual(
      resumed.items.map((item) => item.messageAdded.seq),
      range(last.seq + 1, total),
    );
  });

  it('graphql-ws: a replay larger than the cap to a reader that pauses is paced to its reading, not cut off', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'paced-replay' });
    const first = await sendMessage(server.url, alice, { roomId: room.id, body: BODY });
    // About 40 MB of history after the cursor: more than the kernel's socket buffers on loopback (a paused
    // reader's receive buffer grows to 32 MB here) and far more than the cap, so an unpaced replay would be cut.
    const batches = 110;
    for (let batch = 0; batch < batches; batch++) await publishBatch(room.id);
    const missed = batches * BATCH;
    const cutsBefore = slowConsumerLogs(server, 'graphql-ws').length;

    const resuming = await openRawSubscriber(server.wsUrl, await tokenFor('resumer'), 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq cursor body } }', {
      r: room.id,
      a: first.cursor,
    });
    t.after(() => resuming.socket.terminate());
    // The reader stops as its subscribe leaves, before any of the replay arrives, and reads again later.
    tcpOf(resuming.socket).pause();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    tcpOf(resuming.socket).resume();

    await waitFor(() => resuming.positions().length === missed, { timeoutMs: 30_000, what: `the replay of ${missed} messages` });
    assert.deepEqual(
      resuming.positions().map((position) => position.seq),
      range(first.seq + 1, first.seq + missed),
    );
    assert.equal(resuming.socket.readyState, WebSocket.OPEN);
    assert.equal(slowConsumerLogs(server, 'graphql-ws').length, cutsBefore);
  });

  it('SSE: a stream that stops reading gets SLOW_CONSUMER and is ended past the cap, releasing its subscription', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'slow-sse' });
    const sseToken = await tokenFor('sse-slow');
    const sse = await openSse(server.url, sseToken, room.id);
    t.after(() => sse.response.destroy());
    await waitFor(async () => (await online(room.id)).includes('sse-slow'), { what: 'the SSE subscriber to be online' });
    await sendMessage(server.url, alice, { roomId: room.id, body: BODY });
    await waitFor(() => sse.text().includes('"seq":1,'), { what: 'the SSE subscriber to receive the first message' });
    sse.response.socket.pause();

    let batches = 0;
    while (slowConsumerLogs(server, 'sse').length === 0 && batches < BATCHES) {
      await publishBatch(room.id);
      batches += 1;
    }
    const [logged] = slowConsumerLogs(server, 'sse');
    assert.equal(sample(await scrapeMetrics(server.port), 'roomcast_slow_consumers_cut_total', { transport: 'sse' }), 1);
    assert.ok(logged && logged.bufferedBytes > CAP_BYTES, `the stream was cut off (logged: ${JSON.stringify(logged)})`);
    sse.response.socket.resume();
    await sse.ended;

    // What the client read: messages in order from the first, then a SLOW_CONSUMER error, then `complete`.
    const events = sse.text().split('\n\n').filter((event) => event.startsWith('event: '));
    const payloads = events.filter((event) => event.startsWith('event: next')).map((event) => JSON.parse(event.slice(event.indexOf('data: ') + 6)) as {
      data?: { messageAdded: Position };
      errors?: { extensions: { code: string } }[];
    });
    const seqs = payloads.flatMap((payload) => (payload.data ? [payload.data.messageAdded.seq] : []));
    assert.deepEqual(seqs, range(1, seqs.length));
    assert.ok(seqs.length < 1 + batches * BATCH, 'the stream ended before the last message');
    assert.deepEqual(payloads[payloads.length - 1]?.errors?.map((error) => error.extensions.code), ['SLOW_CONSUMER']);
    assert.equal(events[events.length - 1], 'event: complete\ndata:');
    await waitFor(async () => !(await online(room.id)).includes('sse-slow'), { what: 'the cut-off SSE subscriber to go offline' });
    t.diagnostic(`SSE stream cut at ${logged.bufferedBytes} bytes after ${seqs.length} of ${1 + batches * BATCH} messages`);
  });

  it('graphql-ws: a reader that resumes reading long after its cut still reads the 4008 close, and its subscription ends at the cut', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'late-reader' });
    const cutsBefore = slowConsumerLogs(server, 'graphql-ws').length;
    const late = await openRawSubscriber(server.wsUrl, await tokenFor('late-reader'), 'subscription($r: ID!) { messageAdded(roomId: $r) { seq cursor body } }', {
      r: room.id,
    });
    t.after(() => late.socket.terminate());
    await sendMessage(server.url, alice, { roomId: room.id, body: BODY });
    await waitFor(() => late.positions().length === 1, { what: 'the first message' });
    tcpOf(late.socket).pause();
    let batches = 0;
    while (slowConsumerLogs(server, 'graphql-ws').length === cutsBefore && batches < BATCHES) {
      await publishBatch(room.id);
      batches += 1;
    }
    assert.equal(slowConsumerLogs(server, 'graphql-ws').length, cutsBefore + 1, 'the stalled socket was cut off');
    // Its subscription is released at the cut, not when the socket finally closes.
    await waitFor(async () => !(await online(room.id)).includes('late-reader'), { timeoutMs: 3_000, intervalMs: 100, what: 'the cut-off subscriber to go offline' });

    // The reader stalls well past ws's old 5 s close timeout (WS_CLOSE_TIMEOUT_MS is 30 s by default).
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    tcpOf(late.socket).resume();
    assert.equal(await late.closed, SLOW_CONSUMER_CLOSE_CODE, 'the close frame reached the reader (not 1006)');
    const seqs = late.positions().map((position) => position.seq);
    assert.deepEqual(seqs, range(1, seqs.length), 'everything buffered before the cut, in order');
    t.diagnostic(`read ${seqs.length} messages, then 4008, after a ${batches}-batch backlog and a 6.5 s stall`);
  });

  it('a stalled reader that never reads again frees its subscriptions: graphql-ws at the cut, SSE after its close timeout', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'never-reads' });
    const wsLogs = slowConsumerLogs(server, 'graphql-ws').length;
    const sseLogs = slowConsumerLogs(server, 'sse').length;
    const ws = await openRawSubscriber(server.wsUrl, await tokenFor('gone-ws'), 'subscription($r: ID!) { messageAdded(roomId: $r) { seq cursor body } }', {
      r: room.id,
    });
    t.after(() => ws.socket.terminate());
    const sse = await openSse(server.url, await tokenFor('gone-sse'), room.id);
    t.after(() => sse.response.destroy());
    await waitFor(async () => (await online(room.id)).length === 2, { what: 'both subscribers to be online' });
    tcpOf(ws.socket).pause();
    sse.response.socket.pause();
    let batches = 0;
    while ((slowConsumerLogs(server, 'graphql-ws').length === wsLogs || slowConsumerLogs(server, 'sse').length === sseLogs) && batches < BATCHES) {
      await publishBatch(room.id);
      batches += 1;
    }
    assert.ok(slowConsumerLogs(server, 'graphql-ws').length > wsLogs && slowConsumerLogs(server, 'sse').length > sseLogs, 'both were cut off');
    // Neither reads its close frame or final event: the socket's subscription ends at the cut, the SSE
    // stream's when its connection is destroyed (5 s).
    await waitFor(async () => (await online(room.id)).length === 0, { timeoutMs: 5_000 + 3_000, intervalMs: 100, what: 'the stalled connections to be dropped' });
  });
});
