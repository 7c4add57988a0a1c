// PostgreSQL is the store of record: history outlives every process. Two instances on PostgreSQL +
// Redis, both killed -9 and Redis restarted empty, then two new instances: every message is there, seq
// carries on, and an old cursor replays exactly what came after it. With DATABASE_URL alone, a restart
// keeps rooms, messages, read pointers, and a running timer still finishes exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { createRoom, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { kill9 } from '../helpers/server-kill.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }';
const TIMER_TICKED = 'subscription($id: ID!) { timerTicked(timerId: $id) { timer { status } } }';

interface Page {
  messages: { edges: { cursor: string; node: { seq: number } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } };
}

/** Every seq of a room, paged forward (`first`/`after`) or backward (`last`/`before`) 50 at a time. */
const pageAll = async (server: ServerProcess, token: string, roomId: string, direction: 'forward' | 'backward'): Promise<number[]> => {
  const seqs: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const { messages }: Page = await gqlData<Page>(server.url, {
      token,
      query:
        direction === 'forward'
          ? 'query($r: ID!, $c: String) { messages(roomId: $r, first: 50, after: $c) { edges { cursor node { seq } } pageInfo { hasNextPage hasPreviousPage } } }'
          : 'query($r: ID!, $c: String) { messages(roomId: $r, last: 50, before: $c) { edges { cursor node { seq } } pageInfo { hasNextPage hasPreviousPage } } }',
      variables: { r: roomId, c: cursor },
    });
    const pageSeqs = messages.edges.map((edge) => edge.node.seq);
    if (direction === 'forward') {
      seqs.push(...pageSeqs);
      cursor = messages.edges.at(-1)?.cursor ?? null;
      if (!messages.pageInfo.hasNextPage) return seqs;
    } else {
      seqs.unshift(...pageSeqs);
      cursor = messages.edges[0]?.cursor ?? null;
      if (!messages.pageInfo.hasPreviousPage) return seqs;
    }
  }
  throw new Error('more pages than expected');
};

describe('history outlives every process', () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  const servers: ServerProcess[] = [];
  before(async () => {
    [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });
  const start = async (env: Record<string, string>) => {
    const server = await startServer({ env });
    servers.push(server);
    return server;
  };

  it('two instances killed -9 and Redis restarted empty: history intact both ways, seq carries on, an old cursor replays once', async (t) => {
    const env = { DATABASE_URL: await createDatabase(postgres), REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'durability' };
    const [a, b] = await Promise.all([start(env), start(env)]);
    const alice = await tokenFor('alice', 'Alice');
    const rooms = await Promise.all([createRoom(a.url, alice, { name: 'one' }), createRoom(b.url, alice, { name: 'two', private: true })]);
    const sent = new Map<string, SentMessage[]>(rooms.map((room) => [room.id, []]));
    // 200 messages in each room, alternating instances, both rooms at once.
    await Promise.all(
      rooms.map(async (room) => {
        for (let i = 0; i < 200; i++) sent.get(room.id)?.push(await sendMessage((i % 2 ? a : b).url, alice, { roomId: room.id, body: `m${i}` }));
      }),
    );
    const cursorAt150 = sent.get(rooms[0]?.id ?? '')?.[149]?.cursor;
    assert.ok(cursorAt150);

    await Promise.all([kill9(a), kill9(b)]);
    await redis.kill9();
    await redis.restart(); // no AOF: Redis comes back empty
    const [c, d] = await Promise.all([start(env), start(env)]);

    for (const room of rooms) {
      assert.deepEqual(await pageAll(c, alice, room.id, 'forward'), range(1, 200), `${room.name}: forward pages on a new instance`);
      assert.deepEqual(await pageAll(d, alice, room.id, 'backward'), range(1, 200), `${room.name}: backward pages on the other`);
    }
    const ws = connectWs(d.wsUrl, alice);
    t.after(() => ws.dispose());
    const resumed = ws.subscribe<{ messageAdded: { seq: number } }>(MESSAGE_ADDED, { r: rooms[0]?.id, a: cursorAt150 });
    const next = await sendMessage(c.url, alice, { roomId: rooms[0]?.id ?? '', body: 'after the crash' });
    assert.equal(next.seq, 201, 'seq carries on where it was');
    await resumed.waitForCount(51, 10_000);
    const live = await sendMessage(d.url, alice, { roomId: rooms[0]?.id ?? '', body: 'live' });
    await resumed.waitForCount(52, 10_000);
    assert.deepEqual(
      resumed.items.map((item) => item.messageAdded.seq),
      [...range(151, 201), live.seq],
      'replays 151..201 exactly once, then continues live',
    );
    assert.deepEqual(resumed.errorCodes(), []);
  });

  it('DATABASE_URL alone: a restart keeps rooms, messages and read pointers, and a running timer finishes exactly once', async (t) => {
    const env = { DATABASE_URL: await createDatabase(postgres) };
    const first = await start(env);
    const alice = await tokenFor('alice', 'Alice');
    const bob = await tokenFor('bob', 'Bob');
    const room = await createRoom(first.url, alice, { name: 'durable', private: true, memberIds: ['bob'] });
    const messages = [];
    for (let i = 0; i < 5; i++) messages.push(await sendMessage(first.url, alice, { roomId: room.id, body: `m${i}` }));
    await gqlData(first.url, { token: bob, query: 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { seq } }', variables: { r: room.id, m: messages[2]?.id } });
    const { startTimer } = await gqlData<{ startTimer: { id: string; endsAt: string } }>(first.url, {
      token: alice,
      query: 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id endsAt } }',
      variables: { i: { roomId: room.id, durationMs: 4_000, tickMs: 1_000 } },
    });

    await kill9(first);
    const second = await start(env);
    const { room: after } = await gqlData<{ room: { name: string; private: boolean; members: { id: string }[]; unreadCount: number } | null }>(second.url, {
      token: bob,
      query: 'query($r: ID!) { room(id: $r) { name private members { id } unreadCount } }',
      variables: { r: room.id },
    });
    assert.deepEqual(after, { name: 'durable', private: true, members: [{ id: 'alice' }, { id: 'bob' }], unreadCount: 2 });
    assert.deepEqual(await pageAll(second, bob, room.id, 'forward'), range(1, 5));

    const ws = connectWs(second.wsUrl, bob);
    t.after(() => ws.dispose());
    const ticks = ws.subscribe<{ timerTicked: { timer: { status: string } } }>(TIMER_TICKED, { id: startTimer.id });
    await ticks.waitForComplete(10_000);
    const statuses = ticks.items.map((item) => item.timerTicked.timer.status);
    assert.equal(statuses.filter((status) => status === 'FINISHED').length, 1, `finished exactly once: ${statuses.join(',')}`);
    assert.equal(statuses.at(-1), 'FINISHED');
    const finishedLate = Date.now() - Date.parse(startTimer.endsAt);
    assert.ok(finishedLate < 3_000, `finished within 3 s of its deadline (was ${finishedLate} ms late)`);
  });

  it('a store that lost its rooms never takes a write from a cache: a public room written a moment ago is NOT_FOUND, no seq restarts at 1', async () => {
    const databaseUrl = await createDatabase(postgres);
    const server = await start({ DATABASE_URL: databaseUrl });
    const alice = await tokenFor('alice', 'Alice');
    const room = await createRoom(server.url, alice, { name: 'lost' });
    // Written twice: the instance now remembers the room as public and skips reading it on writes.
    await sendMessage(server.url, alice, { roomId: room.id, body: 'one' });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'two' });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('TRUNCATE rooms, memberships, messages CASCADE');
    } finally {
      await client.end();
    }
    const { body } = await gql(server.url, {
      token: alice,
      query: 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }',
      variables: { i: { roomId: room.id, body: 'into nothing' } },
    });
    assert.equal(body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
  });

  it('HISTORY_RETENTION_DAYS deletes older messages; a cursor before the oldest kept one is CURSOR_EXPIRED with oldestCursor, never a silent skip', async (t) => {
    const databaseUrl = await createDatabase(postgres);
    const first = await start({ DATABASE_URL: databaseUrl });
    const alice = await tokenFor('alice', 'Alice');
    const room = await createRoom(first.url, alice, { name: 'retained' });
    const sent: SentMessage[] = [];
    for (let i = 0; i < 6; i++) sent.push(await sendMessage(first.url, alice, { roomId: room.id, body: `m${i + 1}` }));
    await first.stop();
    // The first four were sent ten days ago, as far as the store knows.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query('UPDATE messages SET created_at = created_at - $1::bigint WHERE room_id = $2 AND seq <= 4', [10 * 86_400_000, room.id]);
    } finally {
      await client.end();
    }
    // Retention runs at start, then every minute.
    const second = await start({ DATABASE_URL: databaseUrl, HISTORY_RETENTION_DAYS: '1' });
    const HISTORY = 'query($r: ID!, $a: String) { messages(roomId: $r, first: 10, after: $a) { edges { node { seq } } } }';
    let expired: { extensions?: Record<string, unknown> } | undefined;
    await waitFor(
      async () => {
        const { body } = await gql(second.url, { token: alice, query: HISTORY, variables: { r: room.id, a: sent[1]?.cursor } });
        expired = body.errors?.[0];
        return expired?.extensions?.['code'] === 'CURSOR_EXPIRED';
      },
      { timeoutMs: 10_000, intervalMs: 200, what: 'the cursor of seq 2 to be CURSOR_EXPIRED once retention ran' },
    );
    const oldestCursor = expired?.extensions?.['oldestCursor'];
    assert.equal(typeof oldestCursor, 'string');
    const resumed = await gqlData<{ messages: { edges: { node: { seq: number } }[] } }>(second.url, { token: alice, query: HISTORY, variables: { r: room.id, a: oldestCursor } });
    assert.deepEqual(resumed.messages.edges.map((edge) => edge.node.seq), [5, 6], 'the kept messages, from the boundary on');
    // A subscription resuming from before the boundary is told too, not silently moved forward.
    const ws = connectWs(second.wsUrl, alice);
    t.after(() => ws.dispose());
    const stale = ws.subscribe<{ messageAdded: { seq: number } }>(MESSAGE_ADDED, { r: room.id, a: sent[0]?.cursor });
    await stale.waitForComplete();
    assert.deepEqual(stale.errorCodes(), ['CURSOR_EXPIRED']);
    assert.deepEqual(stale.items, []);
  });
});
