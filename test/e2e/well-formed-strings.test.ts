// Ill-formed strings are refused at the edge (BAD_USER_INPUT, or UNAUTHENTICATED in a token) on every
// transport, before anything is stored: a lone surrogate or a NUL anywhere, a control character in an id
// or key. Real server processes; the Redis half with a real redis-server, where a lone surrogate that got
// stored used to make Lua's cjson refuse the room's timers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SignJWT } from 'jose';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, MESSAGE_FIELDS, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startSharedStack, type SharedStack } from '../helpers/shared-stack.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { TEST_SECRET, tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

// A lone (high) surrogate. JSON.stringify writes it as the escape text "\ud800", which is what reaches
// the server in every request body and graphql-ws message below.
const LONE = '\ud800';

const SEND = `mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${MESSAGE_FIELDS} } }`;

/** The first error code of a request that must be refused, and its data (which must be empty). */
const refusal = async (server: ServerProcess, token: string, query: string, variables?: Record<string, unknown>) => {
  const { body } = await gql(server.url, { token, query, ...(variables ? { variables } : {}) });
  return { code: body.errors?.[0]?.extensions?.code, data: body.data ?? null };
};

/** A token whose claims the test chooses, signed with the servers' secret (signToken only sets `sub` and `name`). */
const tokenWithClaims = (claims: { sub: string; name?: string }): Promise<string> =>
  new SignJWT(claims.name === undefined ? {} : { name: claims.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TEST_SECRET));

describe('well-formed strings (memory engine)', () => {
  let server: ServerProcess;
  let alice: string;
  let roomId: string;
  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice', 'Alice');
    roomId = (await createRoom(server.url, alice, { name: 'strings' })).id;
  });
  after(() => server.stop());

  it('sends the lone surrogate as the JSON escape text', () => {
    assert.equal(JSON.stringify({ body: LONE }), '{"body":"\\ud800"}');
  });

  it('refuses a lone surrogate or NUL in a body and a lone surrogate or control character in clientId, storing nothing and taking no seq', async () => {
    const first = await sendMessage(server.url, alice, { roomId, body: 'before' });
    const refused = [
      { roomId, body: `hello ${LONE}` },
      { roomId, body: 'nul\u0000inside' },
      { roomId, body: 'fine', clientId: `id-${LONE}` },
      { roomId, body: 'fine', clientId: 'line\nbreak' },
    ];
    for (const input of refused) {
      const { code, data } = await refusal(server, alice, SEND, { i: input });
      assert.equal(code, 'BAD_USER_INPUT', JSON.stringify(input));
      assert.equal(data, null, 'no message comes back');
    }
    // In the document itself rather than in variables: the literal is checked too.
    const literal = await refusal(server, alice, `mutation { sendMessage(input: { roomId: ${JSON.stringify(roomId)}, body: "nul\\u0000" }) { id } }`);
    assert.equal(literal.code, 'BAD_USER_INPUT', 'an escaped NUL in a literal');
    const next = await sendMessage(server.url, alice, { roomId, body: 'after' });
    assert.equal(next.seq, first.seq + 1, 'five refused sends took no seq');
    assert.deepEqual(await historySeqs(server.url, alice, roomId), range(1, next.seq));
    const { messages } = await gqlData<{ messages: { edges: { node: SentMessage }[] } }>(server.url, {
      token: alice,
      query: `query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { ${MESSAGE_FIELDS} } } } }`,
      variables: { r: roomId },
    });
    assert.deepEqual(
      messages.edges.map((edge) => edge.node.body),
      ['before', 'after'],
    );
  });

  it('refuses a lone surrogate in a room name, a room id and a timer label', async () => {
    const named = await refusal(server, alice, 'mutation($i: CreateRoomInput!) { createRoom(input: $i) { id } }', { i: { name: `room ${LONE}` } });
    assert.equal(named.code, 'BAD_USER_INPUT', 'createRoom name');
    const { rooms } = await gqlData<{ rooms: { edges: { node: { name: string } }[] } }>(server.url, {
      token: alice,
      query: 'query { rooms(first: 100) { edges { node { name } } } }',
    });
    assert.ok(rooms.edges.every((edge) => edge.node.name.isWellFormed()), 'no room with an ill-formed name was stored');
    for (const mutation of ['joinRoom', 'leaveRoom']) {
      const { code } = await refusal(server, alice, `mutation($r: ID!) { ${mutation}(roomId: $r) { id } }`, { r: `${roomId}${LONE}` });
      assert.equal(code, 'BAD_USER_INPUT', mutation);
    }
    const control = await refusal(server, alice, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: `${roomId}\u0007` });
    assert.equal(control.code, 'BAD_USER_INPUT', 'a control character in an id');
    const timer = await refusal(server, alice, 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }', {
      i: { roomId, durationMs: 2_000, label: LONE },
    });
    assert.equal(timer.code, 'BAD_USER_INPUT', 'startTimer label');
    const { room } = await gqlData<{ room: { timers: { id: string }[] } }>(server.url, {
      token: alice,
      query: 'query($r: ID!) { room(id: $r) { timers { id } } }',
      variables: { r: roomId },
    });
    assert.deepEqual(room.timers, [], 'no timer was started');
  });

  it('refuses a token whose sub has a lone surrogate or a control character, or whose name has a NUL: UNAUTHENTICATED, and 4403 over graphql-ws', async () => {
    const bad = [
      ['lone surrogate in sub', await tokenWithClaims({ sub: `eve${LONE}` })],
      ['newline in sub', await tokenWithClaims({ sub: 'eve\nalice' })],
      ['NUL in name', await tokenWithClaims({ sub: 'eve', name: 'Eve\u0000' })],
    ] as const;
    for (const [kind, token] of bad) {
      const { code } = await refusal(server, token, 'query { viewer { id } }');
      assert.equal(code, 'UNAUTHENTICATED', kind);
      const ws = connectWs(server.wsUrl, token);
      try {
        const sub = ws.subscribe('subscription($r: ID!) { messageAdded(roomId: $r) { seq } }', { r: roomId });
        await waitFor(() => ws.closeCodes.length > 0, { timeoutMs: 5_000, what: `${kind}: the socket to close` });
        assert.deepEqual(ws.closeCodes, [4403], kind);
        await sub.waitForComplete();
        assert.deepEqual(sub.items, []);
      } finally {
        await ws.dispose();
      }
    }
  });

  it('refuses over graphql-ws (subscriptions and mutations) and SSE alike', async () => {
    const ws = connectWs(server.wsUrl, alice);
    try {
      const events = ws.subscribe('subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }', { r: `${roomId}${LONE}` });
      await events.waitForComplete();
      assert.deepEqual(events.errorCodes(), ['BAD_USER_INPUT'], 'roomEvents with a lone surrogate in roomId');
      const send = ws.subscribe(SEND, { i: { roomId, body: LONE } });
      await send.waitForComplete();
      assert.deepEqual(send.errorCodes(), ['BAD_USER_INPUT'], 'sendMessage over graphql-ws');
      assert.deepEqual(send.items, []);
    } finally {
      await ws.dispose();
    }
    const sse = subscribeSse(server.url, alice, { query: 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }', variables: { r: roomId, a: LONE } });
    try {
      await sse.waitForEnd();
      assert.deepEqual(sse.codes(), ['BAD_USER_INPUT'], 'SSE with a lone surrogate in after');
    } finally {
      sse.dispose();
    }
    // The same documents with clean variables still work: a refusal is not remembered for the document.
    const sent = await gqlData<{ sendMessage: SentMessage }>(server.url, { token: alice, query: SEND, variables: { i: { roomId, body: 'clean' } } });
    assert.equal(sent.sendMessage.body, 'clean');
  });
});

interface Tick {
  timerTicked: { remainingMs: number; serverTime: string; timer: { id: string; status: string } };
}
interface RoomEvent {
  roomEvents: { __typename: string; timer?: { id: string; status: string }; message?: { body: string } };
}

describe('well-formed strings (PostgreSQL + Redis)', () => {
  let stack: SharedStack;
  let server: ServerProcess;
  before(async () => {
    stack = await startSharedStack();
    server = await startServer({ env: { ...stack.env, REDIS_KEY_PREFIX: 'well-formed' } });
  });
  after(async () => {
    await server.stop();
    await stack.stop();
  });

  it("refuses a lone surrogate timer label, and another user's 2 s timer in another room finishes once, on time", async (t) => {
    const alice = await tokenFor('alice', 'Alice');
    const bob = await tokenFor('bob', 'Bob');
    const aliceRoom = (await createRoom(server.url, alice, { name: 'alice room' })).id;
    const bobRoom = (await createRoom(server.url, bob, { name: 'bob room' })).id;
    const poisoned = await refusal(server, alice, 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }', {
      i: { roomId: aliceRoom, durationMs: 60_000, label: LONE },
    });
    // Asserted at the end, so that a server which stores the label shows what that does to other timers.

    const ws = connectWs(server.wsUrl, bob);
    t.after(() => ws.dispose());
    const events = ws.subscribe<RoomEvent>(
      'subscription($r: ID!) { roomEvents(roomId: $r) { __typename ... on TimerChanged { timer { id status } } ... on MessageAdded { message { body } } } }',
      { r: bobRoom },
    );
    await events.waitForCount(1); // bob's own PresenceChanged: the stream is live
    const startedAt = Date.now();
    const { startTimer } = await gqlData<{ startTimer: { id: string; endsAt: string } }>(server.url, {
      token: bob,
      query: 'mutation($r: ID!) { startTimer(input: { roomId: $r, durationMs: 2000, tickMs: 1000, label: "round" }) { id endsAt } }',
      variables: { r: bobRoom },
    });
    const ticks = ws.subscribe<Tick>('subscription($id: ID!) { timerTicked(timerId: $id) { remainingMs serverTime timer { id status } } }', { id: startTimer.id });
    await ticks.waitForComplete(8_000);
    const finishedAfterMs = Date.now() - startedAt;
    const finished = ticks.items.filter((item) => item.timerTicked.timer.status === 'FINISHED');
    assert.equal(finished.length, 1, `one FINISHED tick: ${JSON.stringify(ticks.items)}`);
    const [last] = finished;
    assert.ok(last);
    assert.equal(last.timerTicked.remainingMs, 0);
    const lateMs = Date.parse(last.timerTicked.serverTime) - Date.parse(startTimer.endsAt);
    assert.ok(lateMs >= 0 && lateMs < 1_000, `FINISHED ${lateMs} ms after endsAt (server clock)`);
    assert.ok(finishedAfterMs >= 1_900 && finishedAfterMs < 5_000, `FINISHED seen ${finishedAfterMs} ms after the start`);

    // A sentinel after the FINISHED: every TimerChanged the room published before it has arrived.
    await sendMessage(server.url, bob, { roomId: bobRoom, body: 'sentinel' });
    await waitFor(() => events.items.some((item) => item.roomEvents.message?.body === 'sentinel'), { timeoutMs: 5_000, what: 'the sentinel' });
    const finishes = events.items.filter((item) => item.roomEvents.timer?.id === startTimer.id && item.roomEvents.timer.status === 'FINISHED');
    assert.equal(finishes.length, 1, 'the room saw the timer finish once');

    // Alice's room was not poisoned either: a clean timer starts there.
    const clean = await gqlData<{ startTimer: { status: string } }>(server.url, {
      token: alice,
      query: 'mutation($r: ID!) { startTimer(input: { roomId: $r, durationMs: 60000, label: "clean" }) { status } }',
      variables: { r: aliceRoom },
    });
    assert.equal(clean.startTimer.status, 'RUNNING');
    assert.equal(poisoned.code, 'BAD_USER_INPUT', 'the lone surrogate label is refused');
  });

  it('refuses lone surrogates in body and clientId without taking a seq (Redis)', async () => {
    const alice = await tokenFor('alice', 'Alice');
    const roomId = (await createRoom(server.url, alice, { name: 'seqs' })).id;
    const first = await sendMessage(server.url, alice, { roomId, body: 'before' });
    const codes: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const input = i % 2 === 0 ? { roomId, body: `x${LONE}` } : { roomId, body: 'fine', clientId: `${LONE}${i}` };
      codes.push((await refusal(server, alice, SEND, { i: input })).code);
    }
    const next = await sendMessage(server.url, alice, { roomId, body: 'after' });
    assert.equal(next.seq, first.seq + 1, 'no gap after five refused sends');
    assert.deepEqual(await historySeqs(server.url, alice, roomId), range(1, next.seq));
    assert.deepEqual(codes, Array(5).fill('BAD_USER_INPUT'));
  });
});
