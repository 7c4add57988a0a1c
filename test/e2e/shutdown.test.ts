// Graceful shutdown of a real server process: SIGTERM while a subscriber streams and mutations are in
// flight answers every mutation, closes sockets with 1001, exits 0 in time, and a restarted server plus a
// resume from the last cursor loses and repeats nothing. Also: a second signal exits at once, a request
// that never ends meets the deadline (exit 1), and SIGINT drains like SIGTERM (SSE cut, keep-alive idle).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, get, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import WebSocket from 'ws';
import { createRoomcastClient } from '../../client/index.js';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, MESSAGE_FIELDS, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startSharedStack } from '../helpers/shared-stack.js';
import { startServer, type ServerEnv, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq cursor } }';
const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${MESSAGE_FIELDS} } }`;
const HTTP_SENDS = 30;
const WS_SENDS = 10;

interface Delivered {
  messageAdded: { seq: number; cursor: string };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

/** Resolves when the server process exits (registered before any signal is sent). */
const exitOf = (server: ServerProcess): Promise<Exit> =>
  new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));

/** Parsed pino lines of the server so far. */
const logLines = (server: ServerProcess): Record<string, unknown>[] =>
  server.output().flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

const waitForLog = (server: ServerProcess, msg: string, timeoutMs = 5_000) =>
  waitFor(() => logLines(server).find((line) => line['msg'] === msg), { timeoutMs, what: `a "${msg}" log line` });

/**
 * A raw TCP connection that has sent part of a request: the server counts it as in flight (not idle), so
 * it survives the drain's closing of idle connections and holds the drain open until it is finished.
 */
const partialRequest = async (server: ServerProcess, head: string): Promise<{ socket: Socket; response: Promise<string> }> => {
  const socket = connect(server.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(head);
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const response = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  socket.on('error', () => undefined);
  // Bytes written on loopback are readable by the server at once: when it has answered a request sent
  // after them, its event loop has been through a poll that saw them, so the partial request is known.
  const probe = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assert.equal(probe.status, 200);
  return { socket, response };
};

/** A graphql-ws connection spoken by hand, to see exactly which frames arrive before the close. */
const rawGraphqlWs = async (server: ServerProcess, token: string) => {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws');
  const frames: { type: string; id?: string; payload?: unknown }[] = [];
  let closeCode: number | undefined;
  let framesAtClose = -1;
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }));
  socket.on('close', (code) => {
    closeCode = code;
    framesAtClose = frames.length;
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await waitFor(() => frames.some((frame) => frame.type === 'connection_ack'), { what: 'connection_ack' });
  return {
    frames,
    closeCode: () => closeCode,
    framesAtClose: () => framesAtClose,
    send: (message: object) => socket.send(JSON.stringify(message)),
    /** A ping answered means every frame sent before it has reached the server's handlers. */
    async roundTrip() {
      const pongs = frames.filter((frame) => frame.type === 'pong').length;
      socket.send(JSON.stringify({ type: 'ping' }));
      await waitFor(() => frames.filter((frame) => frame.type === 'pong').length > pongs, { what: 'pong' });
    },
    close: () => socket.terminate(),
  };
};

const connectionRefused = async (server: ServerProcess): Promise<boolean> => {
  try {
    await fetch(`http://127.0.0.1:${server.port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: unknown } }).cause?.code === 'ECONNREFUSED'; // fetch wraps the socket error
  }
};

const startFor = async (t: TestContext, env: ServerEnv): Promise<ServerProcess> => {
  const server = await startServer({ env });
  t.after(() => server.stop());
  return server;
};

/**
 * A sendMessage over HTTP whose body has only partly arrived: the server has the request (it is in
 * flight) but cannot run it until `finish()` sends the rest. Resolves to the response once finished.
 */
const heldSend = async (server: ServerProcess, token: string, input: Record<string, unknown>) => {
  const body = Buffer.from(JSON.stringify({ query: SEND, variables: { i: input } }));
  const req = request(server.url, {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${token}` },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  req.write(body.subarray(0, 10));
  return { finish: () => req.end(body.subarray(10)), response };
};

describe('graceful shutdown', () => {
  it('SIGTERM on Redis while a subscriber streams and mutations are in flight: every mutation answers, sockets get 1001, exit 0; a restart plus resume loses and repeats nothing', async (t) => {
    const stack = await startSharedStack();
    const { redis } = stack;
    t.after(() => stack.stop());
    const env = { ...stack.env, REDIS_KEY_PREFIX: 'shutdown', LOG_LEVEL: 'debug' };
    const a = await startFor(t, env);
    const [alice, bob, carol] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('bob', 'Bob'), tokenFor('carol', 'Carol')]);
    const room = await createRoom(a.url, alice, { name: 'deploy during a quiz' });
    const opened: SentMessage[] = [];
    for (const body of ['one', 'two', 'three']) opened.push(await sendMessage(a.url, alice, { roomId: room.id, body }));

    // A running timer: it is engine state, and must carry on without the instance that started it.
    const { startTimer } = await gqlData<{ startTimer: { id: string } }>(a.url, {
      token: alice,
      query: 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }',
      variables: { i: { roomId: room.id, durationMs: 4_000, tickMs: 1_000 } },
    });

    // Bob streams from the third message on; carol is the typed client, which must reconnect by itself.
    const bobWs = connectWs(a.wsUrl, bob);
    t.after(() => bobWs.dispose());
    const live = bobWs.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opened[2]?.cursor });
    const carolClient = createRoomcastClient({ url: a.url, token: carol, webSocketImpl: WebSocket, backoff: { baseMs: 50, maxMs: 300 } });
    t.after(() => carolClient.close());
    const carolRoom = await carolClient.openRoom(room.id);
    for (const body of ['four', 'five']) await sendMessage(a.url, alice, { roomId: room.id, body });
    await live.waitForCount(2);
    await waitFor(() => carolRoom.timeline.get().length === 5, { what: 'carol sees five messages' });
    const carolStatuses: string[] = [];
    carolClient.status.subscribe((status) => carolStatuses.push(status));

    // A readiness probe whose request line is in flight: it is finished after SIGTERM.
    const readiness = await partialRequest(a, 'GET /readyz HTTP/1.1\r\nHost: roomcast\r\n');
    const wsWriter = await rawGraphqlWs(a, alice);
    t.after(() => wsWriter.close());

    // Redis stops answering, so every send below stays in flight (in the context factory or the append)
    // until it is resumed, which happens after SIGTERM. Well inside the 2 s Redis command timeout.
    process.kill(redis.pid, 'SIGSTOP');
    let resumed = false;
    t.after(() => {
      if (!resumed) process.kill(redis.pid, 'SIGCONT');
    });
    const before = a.output().length;
    const httpSends = Array.from({ length: HTTP_SENDS }, (_, i) =>
      fetch(a.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
        body: JSON.stringify({ query: SEND, variables: { i: { roomId: room.id, body: `http ${i}`, clientId: `http-${i}` } } }),
      }).then(async (response) => ({
        status: response.status,
        connection: response.headers.get('connection'),
        body: (await response.json()) as { data?: { sendMessage: SentMessage }; errors?: unknown[] },
      })),
    );
    for (let i = 0; i < WS_SENDS; i++) {
      wsWriter.send({ id: `w${i}`, type: 'subscribe', payload: { query: SEND, variables: { i: { roomId: room.id, body: `ws ${i}`, clientId: `ws-${i}` } } } });
    }
    await wsWriter.roundTrip();
    await waitFor(
      () =>
        logLines(a)
          .slice(before)
          .filter((line) => line['msg'] === 'request received' && line['method'] === 'POST').length >= HTTP_SENDS,
      { what: `the server to have received all ${HTTP_SENDS} HTTP sends` },
    );

    const exited = exitOf(a);
    const signalledAt = Date.now();
    process.kill(a.pid, 'SIGTERM');
    await waitForLog(a, 'shutting down');
    assert.ok(await connectionRefused(a), 'no new connection is accepted once draining');
    readiness.socket.write('\r\n');
    const readyzAnswer = await readiness.response;
    assert.match(readyzAnswer, /^HTTP\/1\.1 503/, 'readiness answers 503 while draining');
    assert.match(readyzAnswer, /\r\nconnection: close\r\n/i);
    process.kill(redis.pid, 'SIGCONT');
    resumed = true;

    const answers = await Promise.all(httpSends);
    for (const answer of answers) {
      assert.equal(answer.status, 200);
      assert.deepEqual(answer.body.errors, undefined);
      assert.equal(answer.body.data?.sendMessage.roomId, room.id);
      assert.equal(answer.connection, 'close', 'a response during the drain closes its connection');
    }
    const exit = await exited;
    assert.deepEqual([exit.code, exit.signal], [0, null], `exit status; last lines:\n${a.output().slice(-5).join('\n')}`);
    assert.ok(exit.at - signalledAt < 10_000, `exited ${exit.at - signalledAt} ms after SIGTERM`);
    t.diagnostic(`SIGTERM to exit 0: ${exit.at - signalledAt} ms, with ${HTTP_SENDS} HTTP and ${WS_SENDS} graphql-ws sends in flight`);

    // Every graphql-ws send answered (next, then complete) before its socket was closed with 1001.
    assert.equal(wsWriter.closeCode(), 1001);
    const beforeClose = wsWriter.frames.slice(0, wsWriter.framesAtClose());
    for (let i = 0; i < WS_SENDS; i++) {
      const next = beforeClose.find((frame) => frame.id === `w${i}` && frame.type === 'next');
      assert.ok(next, `ws send ${i} answered before the close; frames ${JSON.stringify(wsWriter.frames)} closed at ${wsWriter.framesAtClose()}`);
      assert.deepEqual((next.payload as { errors?: unknown }).errors, undefined);
      assert.ok(beforeClose.some((frame) => frame.id === `w${i}` && frame.type === 'complete'), `ws send ${i} completed before the close`);
    }
    assert.deepEqual(bobWs.closeCodes, [1001], 'the idle subscriber was told the server is going away');

    // The same server again, on the same port and Redis: everything acknowledged is there exactly once.
    const b = await startFor(t, { ...env, PORT: String(a.port) });
    const total = 5 + HTTP_SENDS + WS_SENDS;
    assert.deepEqual(await historySeqs(b.url, alice, room.id), range(1, total), 'history: every send stored once');
    const lastCursor = live.items.at(-1)?.messageAdded.cursor;
    const resumedWs = connectWs(b.wsUrl, bob);
    t.after(() => resumedWs.dispose());
    const rest = resumedWs.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: lastCursor });
    // Bob subscribed after the third message.
    await rest.waitForCount(total - 3 - live.items.length, 10_000);
    const seen = [...live.items, ...rest.items].map((item) => item.messageAdded.seq);
    assert.deepEqual(seen, range(4, total), 'the resumed stream: nothing lost, nothing repeated');

    // The typed client reconnected after the 1001 on its own and resumed from its cursor.
    // (Her timeline may be complete before the reconnect: acknowledged messages reach her before the 1001.)
    await waitFor(() => carolRoom.timeline.get().length === total && carolClient.status.get() === 'connected', {
      timeoutMs: 15_000,
      what: () => `carol's timeline to hold ${total} messages (has ${carolRoom.timeline.get().length}) and carol to be connected (${carolClient.status.get()})`,
    });
    assert.deepEqual(carolRoom.timeline.get().map((entry) => entry.seq), range(1, total));
    assert.ok(carolStatuses.includes('reconnecting'), `carol's status went ${carolStatuses.join(' ')}`);
    assert.equal(carolClient.status.get(), 'connected');

    // The timer started on the first process finishes on the second.
    await waitFor(
      async () => {
        const { timer } = await gqlData<{ timer: { status: string } | null }>(b.url, { token: alice, query: 'query($id: ID!) { timer(id: $id) { status } }', variables: { id: startTimer.id } });
        return timer?.status === 'FINISHED';
      },
      { timeoutMs: 10_000, what: 'the timer to finish on the restarted server' },
    );
  });

  for (const engine of ['memory', 'postgres+redis'] as const) {
    it(`SIGTERM on ${engine} with sendMessage calls in flight over HTTP: every acknowledged message reaches the instance's own graphql-ws subscriber before its 1001`, async (t) => {
      const env: ServerEnv = { LOG_LEVEL: 'debug' };
      if (engine === 'postgres+redis') {
        const stack = await startSharedStack();
        t.after(() => stack.stop());
        Object.assign(env, { ...stack.env, REDIS_KEY_PREFIX: 'deliver-before-close' });
      }
      const server = await startFor(t, env);
      const [alice, bob] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('bob', 'Bob')]);
      const room = await createRoom(server.url, alice, { name: `in flight at SIGTERM (${engine})` });
      const first = await sendMessage(server.url, alice, { roomId: room.id, body: 'before' });
      // A subscriber spoken by hand, to see exactly which frames arrive before its close.
      const subscriber = await rawGraphqlWs(server, bob);
      t.after(() => subscriber.close());
      subscriber.send({ id: 'live', type: 'subscribe', payload: { query: MESSAGE_ADDED, variables: { r: room.id, a: null } } });
      const seqsBeforeClose = () =>
        subscriber.frames
          .slice(0, subscriber.framesAtClose() < 0 ? undefined : subscriber.framesAtClose())
          .flatMap((frame) => (frame.id === 'live' && frame.type === 'next' ? [(frame.payload as { data: Delivered }).data.messageAdded.seq] : []));
      await waitFor(
        async () => {
          await sendMessage(server.url, alice, { roomId: room.id, body: 'are you there' });
          return seqsBeforeClose().length > 0;
        },
        { what: 'the subscription to be live', intervalMs: 100 },
      );

      // Sends the server has received but cannot run until their bodies are finished, after SIGTERM...
      const held = await Promise.all(range(1, HTTP_SENDS).map((i) => heldSend(server, alice, { roomId: room.id, body: `held ${i}`, clientId: `held-${i}` })));
      const before = server.output().length;
      await waitFor(
        () =>
          logLines(server)
            .slice(before)
            .filter((line) => line['msg'] === 'request received' && line['method'] === 'POST').length >= HTTP_SENDS,
        { what: `the server to have received all ${HTTP_SENDS} held sends` },
      );
      // ...and a burst that is running when the signal arrives (those refused or cut are not acknowledged).
      const burst = range(1, HTTP_SENDS).map((i) =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}` },
          body: JSON.stringify({ query: SEND, variables: { i: { roomId: room.id, body: `burst ${i}`, clientId: `burst-${i}` } } }),
        }).then(
          async (response) => ({ status: response.status, body: await response.text() }),
          () => undefined,
        ),
      );
      await waitFor(
        () =>
          logLines(server)
            .slice(before)
            .filter((line) => line['msg'] === 'request received' && line['method'] === 'POST').length >= HTTP_SENDS + HTTP_SENDS / 3,
        { what: 'the server to have received part of the burst' },
      );
      const exited = exitOf(server);
      process.kill(server.pid, 'SIGTERM');
      await waitForLog(server, 'shutting down');
      for (const send of held) send.finish();

      const answers = [...(await Promise.all(held.map((send) => send.response))), ...(await Promise.all(burst))];
      const acknowledged = answers.flatMap((answer) => {
        if (answer?.status !== 200) return [];
        const parsed = JSON.parse(answer.body) as { data?: { sendMessage: SentMessage } | null };
        return parsed.data?.sendMessage ? [parsed.data.sendMessage.seq] : [];
      });
      const exit = await exited;
      assert.deepEqual([exit.code, exit.signal], [0, null], `exit status; last lines:\n${server.output().slice(-5).join('\n')}`);
      await waitFor(() => subscriber.closeCode() !== undefined, { what: 'the subscriber to be closed' });
      assert.equal(subscriber.closeCode(), 1001);
      assert.ok(acknowledged.length >= HTTP_SENDS, `every held send was acknowledged (${acknowledged.length})`);
      const delivered = new Set(seqsBeforeClose());
      const missing = acknowledged.filter((seq) => !delivered.has(seq)).sort((a, b) => a - b);
      assert.deepEqual(missing, [], `acknowledged but not delivered before the 1001 (of ${acknowledged.length} acknowledged)`);
      const seqs = seqsBeforeClose();
      assert.deepEqual(seqs, range(seqs[0] ?? 0, (seqs[0] ?? 0) + seqs.length - 1), 'delivered in order, once');
      assert.ok((seqs[0] ?? 0) > first.seq);
      t.diagnostic(`${engine}: ${acknowledged.length} sends acknowledged during the drain, all delivered before 1001`);
    });
  }

  it('a second signal exits at once, while the first is still draining', async (t) => {
    const server = await startFor(t, {});
    // An unfinished request holds the drain open.
    const held = await partialRequest(server, 'GET /healthz HTTP/1.1\r\n');
    t.after(() => held.socket.destroy());
    const exited = exitOf(server);
    process.kill(server.pid, 'SIGINT');
    await waitForLog(server, 'shutting down');
    const secondAt = Date.now();
    process.kill(server.pid, 'SIGTERM');
    const exit = await exited;
    assert.deepEqual([exit.code, exit.signal], [128 + 15, null], 'exit status 128 + SIGTERM, not the drain finishing (0) or the deadline (1)');
    assert.ok(exit.at - secondAt < 3_000, `exited ${exit.at - secondAt} ms after the second signal (the deadline is 9 s)`);
    assert.ok(logLines(server).some((line) => line['msg'] === 'second signal: exiting now'));
  });

  it('a request that never finishes meets the deadline: exit 1 at SHUTDOWN_TIMEOUT_MS', async (t) => {
    const server = await startFor(t, { SHUTDOWN_TIMEOUT_MS: '1000' });
    const held = await partialRequest(server, 'POST /graphql HTTP/1.1\r\nHost: roomcast\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');
    t.after(() => held.socket.destroy());
    const exited = exitOf(server);
    const signalledAt = Date.now();
    process.kill(server.pid, 'SIGTERM');
    const exit = await exited;
    assert.deepEqual([exit.code, exit.signal], [1, null]);
    assert.ok(exit.at - signalledAt >= 1_000, 'not before the deadline');
    assert.ok(logLines(server).some((line) => line['msg'] === 'shutdown deadline passed: exiting'));
  });

  it('SIGINT drains like SIGTERM: graphql-ws gets 1001, SSE streams are cut without complete, idle keep-alive does not hold it', async (t) => {
    const server = await startFor(t, {});
    const alice = await tokenFor('alice', 'Alice');
    const room = await createRoom(server.url, alice, { name: 'sigint' });
    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const overWs = ws.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: null });
    const overSse = subscribeSse<Delivered>(server.url, alice, { query: MESSAGE_ADDED, variables: { r: room.id, a: null } });
    t.after(() => overSse.dispose());
    // Both streams are live once they deliver a message sent after they started.
    await waitFor(
      async () => {
        await sendMessage(server.url, alice, { roomId: room.id, body: 'are you there' });
        return overWs.items.length > 0 && overSse.items.length > 0;
      },
      { what: 'both streams to be live', intervalMs: 100 },
    );
    // A keep-alive connection left idle after its answer.
    const agent = new Agent({ keepAlive: true });
    t.after(() => agent.destroy());
    await new Promise<void>((resolve, reject) => {
      get(`http://127.0.0.1:${server.port}/healthz`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });

    const exited = exitOf(server);
    const signalledAt = Date.now();
    process.kill(server.pid, 'SIGINT');
    const exit = await exited;
    assert.deepEqual([exit.code, exit.signal], [0, null]);
    assert.ok(exit.at - signalledAt < 10_000);
    await waitFor(() => ws.closeCodes.length > 0 && overSse.ended(), { what: 'both streams to end' });
    assert.deepEqual(ws.closeCodes, [1001]);
    assert.equal(overSse.errors.length, 1, 'the SSE stream ended as a dropped connection (error), not with complete');
  });
});
