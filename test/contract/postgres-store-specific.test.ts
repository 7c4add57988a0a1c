// What only the PostgreSQL store has to prove, against a real PostgreSQL (Debian's package): every
// method's documented behaviour, several stores on one database as several instances would be, the cost
// of the access patterns (read from query plans, or as a ratio of interleaved timings), and failure.
// Each test has its own database; the failure tests have their own server, since they kill it.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { after, before, describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { ErrorCode } from '../../src/errors/index.js';
import { listVisibleSql } from '../../src/engine/postgres/postgres-rooms.js';
import { migrationsDir } from '../../src/engine/postgres/postgres-migrate.js';
import { createPostgresStore, type PostgresStoreOptions } from '../../src/engine/postgres/postgres-store.js';
import { countActiveSql } from '../../src/engine/postgres/postgres-timers.js';
import type { NewMessage, Store, TimerRecord } from '../../src/engine/types.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { median } from '../helpers/timing.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(() => server.stop());

const optionsFor = (url: string): PostgresStoreOptions => ({
  url,
  timerPollMs: 250,
  onError: () => undefined,
  connectTimeoutMs: 2_000,
  statementTimeoutMs: 5_000,
});

/** A store on a fresh database (closed after the test), and the database's URL for more stores or raw SQL. */
const freshStore = async (t: TestContext): Promise<{ store: Store; url: string }> => {
  const url = await createDatabase(server);
  const store = await createPostgresStore(optionsFor(url));
  t.after(() => store.close());
  return { store, url };
};

const anotherStore = async (t: TestContext, url: string): Promise<Store> => {
  const store = await createPostgresStore(optionsFor(url));
  t.after(() => store.close());
  return store;
};

/** A raw client for seeding and for reading plans; closed after the test. */
const rawClient = async (t: TestContext, url: string): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  t.after(() => client.end());
  return client;
};

const message = (roomId: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  roomId,
  authorId: 'alice',
  authorName: 'Alice',
  body: 'hello',
  clientId: null,
  createdAt: 1_000,
  ...overrides,
});

const newRoom = (id: string, overrides: { private?: boolean; ownerId?: string; memberIds?: string[] } = {}) => ({
  id,
  name: `Room ${id}`,
  private: overrides.private ?? false,
  ownerId: overrides.ownerId ?? 'alice',
  memberIds: overrides.memberIds ?? [],
  createdAt: 1_000,
});

const timer = (id: string, roomId: string, overrides: Partial<TimerRecord> = {}): TimerRecord => ({
  id,
  roomId,
  label: null,
  durationMs: 60_000,
  tickMs: 1_000,
  status: 'RUNNING',
  startedBy: 'alice',
  startedByName: 'Alice',
  startedAt: 1_000,
  endsAt: 61_000,
  pausedRemainingMs: 60_000,
  nextDueAt: 2_000,
  version: 1,
  endedAt: null,
  ...overrides,
});

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'extensions' in error
    ? (error.extensions as { code?: unknown } | undefined)?.code // RoomcastError keeps its code in extensions
    : undefined;

/**
 * The rows a statement read from tables and indexes (EXPLAIN ANALYZE): what its scan nodes returned,
 * over all their loops, plus what their filters discarded. A sequential scan counts as every row.
 */
const rowsTouched = async (client: pg.Client, sql: string, values: unknown[]): Promise<number> => {
  const { rows } = await client.query<{ 'QUERY PLAN': unknown }>({ text: `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, values });
  let total = 0;
  const walk = (node: Record<string, unknown>) => {
    if (typeof node['Relation Name'] === 'string') {
      const loops = Number(node['Actual Loops'] ?? 1);
      total += (Number(node['Actual Rows'] ?? 0) + Number(node['Rows Removed by Filter'] ?? 0)) * loops;
      if (node['Node Type'] === 'Seq Scan') total = Number.POSITIVE_INFINITY;
    }
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const plan = rows[0]?.['QUERY PLAN'] as { Plan: Record<string, unknown> }[]; // EXPLAIN (FORMAT JSON) answers one JSON array
  walk(plan[0]?.Plan ?? {});
  return total;
};


describe('postgres store: schema and epoch', () => {
  it('four stores starting together on an empty database all succeed, with the migrations applied once', async (t) => {
    const url = await createDatabase(server);
    const stores = await Promise.all([1, 2, 3, 4].map(() => createPostgresStore(optionsFor(url))));
    t.after(() => Promise.all(stores.map((store) => store.close())));
    assert.equal(new Set(stores.map((store) => store.epoch)).size, 1);
    assert.ok(stores.every((store) => store.kind === 'postgres' && store.timerPollMs === 250));
    const client = await rawClient(t, url);
    const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
    const files = readdirSync(migrationsDir).filter((file) => file.endsWith('.sql')).map((file) => file.replace(/\.sql$/, '')).sort();
    assert.deepEqual(rows.map((row) => row.name), files);
    assert.equal(files[0], '0001_initial');
    const meta = await client.query('SELECT epoch FROM meta');
    assert.equal(meta.rowCount, 1);
  });

  it('keeps its epoch across a restart of the store and of PostgreSQL; another database has another', async (t) => {
    const { store, url } = await freshStore(t);
    const again = await anotherStore(t, url);
    assert.match(store.epoch, /^[0-9a-f-]{36}$/);
    assert.equal(again.epoch, store.epoch);
    const other = await freshStore(t);
    assert.notEqual(other.store.epoch, store.epoch);
  });
});

describe('postgres store: messages', () => {
  it('appends with seq 1..n; head, bounds and range read them back', async (t) => {
    const { store } = await freshStore(t);
    await store.rooms.create(newRoom('r1'));
    assert.equal(await store.messages.head('r1'), 0);
    assert.deepEqual(await store.messages.bounds('r1'), { head: 0, prunedThrough: 0 });
    for (let i = 1; i <= 5; i++) {
      const { message: stored, created } = await store.messages.append(message('r1', { body: `m${i}`, createdAt: 1_000 + i }));
      assert.equal(created, true);
      assert.deepEqual(stored, {
        id: `r1.${i}`, roomId: 'r1', seq: i, authorId: 'alice', authorName: 'Alice', body: `m${i}`, clientId: null, createdAt: 1_000 + i,
      });
    }
    assert.equal(await store.messages.head('r1'), 5);
    assert.deepEqual((await store.messages.range('r1', 2, 4)).map((m) => m.body), ['m2', 'm3', 'm4']);
    assert.deepEqual((await store.messages.range('r1', 4, 99)).map((m) => m.seq), [4, 5]);
    assert.deepEqual(await store.messages.range('r1', 6, 10), []);
    assert.deepEqual(await store.messages.range('r1', 3, 2), []);
    assert.equal(await store.messages.head('missing'), 0);
    assert.deepEqual(await store.messages.bounds('missing'), { head: 0, prunedThrough: 0 });
  });

  it('an append to a missing room is NOT_FOUND and stores nothing', async (t) => {
    const { store } = await freshStore(t);
    await assert.rejects(store.messages.append(message('missing')), (error) => codeOf(error) === ErrorCode.NotFound);
    assert.deepEqual(await store.messages.range('missing', 1, 10), []);
  });

  it('seq stays dense under 50 concurrent appends from two instances', async (t) => {
    const { store, url } = await freshStore(t);
    const second = await anotherStore(t, url);
    await store.rooms.create(newRoom('busy'));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? store : second).messages.append(message('busy', { body: `b${i}` }))),
    );
    assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.equal(await second.messages.head('busy'), 50);
    const stored = await store.messages.range('busy', 1, 50);
    assert.deepEqual(stored.map((m) => m.seq), Array.from({ length: 50 }, (_, i) => i + 1));
    assert.deepEqual(new Set(stored.map((m) => m.body)).size, 50);
  });

  it('a clientId is idempotent per author and room, also for concurrent duplicates on two instances', async (t) => {
    const { store, url } = await freshStore(t);
    const second = await anotherStore(t, url);
    await store.rooms.create(newRoom('r1'));
    await store.rooms.create(newRoom('r2'));
    const first = await store.messages.append(message('r1', { clientId: 'c1', body: 'first' }));
    const retry = await second.messages.append(message('r1', { clientId: 'c1', body: 'retried' }));
    assert.equal(first.created, true);
    assert.equal(retry.created, false);
    assert.deepEqual(retry.message, first.message);
    // Another author, or another room, with the same clientId is a new message.
    assert.equal((await store.messages.append(message('r1', { clientId: 'c1', authorId: 'bob' }))).message.seq, 2);
    assert.equal((await store.messages.append(message('r2', { clientId: 'c1' }))).message.seq, 1);

    // Make the duplicates truly concurrent: another session holds the room row, so all twelve start (and
    // find no earlier message) before any can take a seq; then it lets go and they go one by one.
    const client = await rawClient(t, url);
    await client.query('BEGIN');
    await client.query(`SELECT 1 FROM rooms WHERE id = 'r1' FOR UPDATE`);
    const pending = Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : second).messages.append(message('r1', { clientId: 'race', body: `r${i}` }))),
    );
    // Watched from another session: inside a transaction pg_stat_activity is a snapshot.
    const watcher = await rawClient(t, url);
    await waitFor(
      async () => {
        const { rows } = await watcher.query<{ waiting: string }>(
          `SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH existing%'`,
        );
        return Number(rows[0]?.waiting) === 12;
      },
      { timeoutMs: 10_000, what: 'twelve appends waiting on the room row' },
    );
    await client.query('COMMIT');
    const racing = await pending;
    assert.equal(racing.filter((r) => r.created).length, 1);
    assert.equal(new Set(racing.map((r) => r.message.seq)).size, 1);
    assert.equal(racing[0]?.message.seq, 3);
    // The losers gave their seq back: the next append follows without a gap.
    assert.equal((await store.messages.append(message('r1'))).message.seq, 4);
    assert.deepEqual((await store.messages.range('r1', 1, 10)).map((m) => m.seq), [1, 2, 3, 4]);
  });

  it('deleteOlderThan deletes the oldest in bounded batches and moves each room\'s prunedThrough', async (t) => {
    const { store } = await freshStore(t);
    await store.rooms.create(newRoom('a'));
    await store.rooms.create(newRoom('b'));
    for (let i = 1; i <= 6; i++) {
      await store.messages.append(message('a', { createdAt: i * 10 }));
      await store.messages.append(message('b', { createdAt: i * 10 + 5 }));
    }
    // Older than 40: a1 (10), b1 (15), a2 (20), b2 (25), a3 (30), b3 (35); oldest first, three at a time.
    assert.equal(await store.messages.deleteOlderThan(40, 3), 3);
    assert.deepEqual(await store.messages.bounds('a'), { head: 6, prunedThrough: 2 });
    assert.deepEqual(await store.messages.bounds('b'), { head: 6, prunedThrough: 1 });
    assert.deepEqual((await store.messages.range('a', 1, 6)).map((m) => m.seq), [3, 4, 5, 6]);
    assert.equal(await store.messages.deleteOlderThan(40, 3), 3);
    assert.equal(await store.messages.deleteOlderThan(40, 3), 0);
    assert.deepEqual(await store.messages.bounds('a'), { head: 6, prunedThrough: 3 });
    assert.deepEqual(await store.messages.bounds('b'), { head: 6, prunedThrough: 3 });
    assert.deepEqual((await store.messages.range('b', 1, 6)).map((m) => m.seq), [4, 5, 6]);
    // Seqs go on from the head, never from what is kept.
    assert.equal((await store.messages.append(message('a', { createdAt: 100 }))).message.seq, 7);
  });
});

describe('postgres store: rooms and memberships', () => {
  it('creates a room with its members (owner first), checks, lists, adds and removes members', async (t) => {
    const { store } = await freshStore(t);
    const created = await store.rooms.create(newRoom('r1', { ownerId: 'owner', memberIds: ['m1', 'owner', 'm2', 'm1'] }));
    assert.deepEqual(created, { id: 'r1', name: 'Room r1', private: false, ownerId: 'owner', createdAt: 1_000, ordinal: created.ordinal });
    assert.deepEqual(await store.rooms.get('r1'), created);
    assert.equal(await store.rooms.get('missing'), undefined);
    assert.deepEqual(await store.rooms.members('r1', 10), ['owner', 'm1', 'm2']);
    assert.deepEqual(await store.rooms.members('r1', 2), ['owner', 'm1']);
    assert.deepEqual(await store.rooms.members('missing', 10), []);
    assert.equal(await store.rooms.isMember('r1', 'm2'), true);
    assert.equal(await store.rooms.isMember('r1', 'stranger'), false);

    assert.deepEqual(await store.rooms.addMember('r1', 'm3'), created);
    assert.deepEqual(await store.rooms.addMember('r1', 'm3'), created);
    assert.deepEqual(await store.rooms.members('r1', 10), ['owner', 'm1', 'm2', 'm3']);
    assert.deepEqual(await store.rooms.removeMember('r1', 'm1'), created);
    assert.deepEqual(await store.rooms.removeMember('r1', 'm1'), created);
    assert.equal(await store.rooms.isMember('r1', 'm1'), false);
    // Rejoining puts a member at the end of the join order; the owner stays first.
    await store.rooms.addMember('r1', 'm1');
    assert.deepEqual(await store.rooms.members('r1', 10), ['owner', 'm2', 'm3', 'm1']);
    assert.equal(await store.rooms.addMember('missing', 'm1'), undefined);
    assert.equal(await store.rooms.removeMember('missing', 'm1'), undefined);
    assert.equal(await store.rooms.isMember('missing', 'm1'), false);
  });

  it('listVisible pages the public rooms and the viewer\'s private ones by ordinal, never others\' private ones', async (t) => {
    const { store } = await freshStore(t);
    const ids = ['p1', 'mine1', 'theirs1', 'p2', 'joined', 'theirs2', 'p3', 'left'];
    await store.rooms.create(newRoom('p1'));
    await store.rooms.create(newRoom('mine1', { private: true, ownerId: 'viewer' }));
    await store.rooms.create(newRoom('theirs1', { private: true, ownerId: 'other' }));
    await store.rooms.create(newRoom('p2', { ownerId: 'viewer' }));
    await store.rooms.create(newRoom('joined', { private: true, ownerId: 'other', memberIds: ['viewer'] }));
    await store.rooms.create(newRoom('theirs2', { private: true, ownerId: 'other' }));
    await store.rooms.create(newRoom('p3'));
    await store.rooms.create(newRoom('left', { private: true, ownerId: 'other', memberIds: ['viewer'] }));
    await store.rooms.removeMember('left', 'viewer');
    assert.equal(ids.length, 8);

    const pages: string[][] = [];
    let afterOrdinal = 0;
    for (;;) {
      const page = await store.rooms.listVisible({ viewerId: 'viewer', afterOrdinal, limit: 2 });
      pages.push(page.rooms.map((room) => room.id));
      const last = page.rooms.at(-1);
      if (!page.hasMore || !last) break;
      afterOrdinal = last.ordinal;
    }
    assert.deepEqual(pages, [['p1', 'mine1'], ['p2', 'joined'], ['p3']]);
    const all = await store.rooms.listVisible({ viewerId: 'viewer', afterOrdinal: 0, limit: 5 });
    assert.deepEqual({ ids: all.rooms.map((room) => room.id), hasMore: all.hasMore }, { ids: ['p1', 'mine1', 'p2', 'joined', 'p3'], hasMore: false });
    const ordinals = all.rooms.map((room) => room.ordinal);
    assert.deepEqual(ordinals, [...ordinals].sort((a, b) => a - b));
  });

  it('listVisible reads O(limit) rows: 20,000 private rooms of another user cost a viewer with 3 rooms nothing', async (t) => {
    const { store, url } = await freshStore(t);
    const client = await rawClient(t, url);
    await store.rooms.create(newRoom('viewer-1', { private: true, ownerId: 'viewer' }));
    // Seeded in SQL (20,000 creates one by one would take the test's whole budget); the store's own
    // create is tested above.
    await client.query(`INSERT INTO rooms (id, name, private, owner_id, created_at)
                        SELECT 'other-' || g, 'Other', true, 'other', 0 FROM generate_series(1, 20000) g`);
    await client.query(`INSERT INTO memberships (room_id, user_id, room_ordinal)
                        SELECT id, 'other', ordinal FROM rooms WHERE owner_id = 'other'`);
    await store.rooms.create(newRoom('viewer-2', { private: true, ownerId: 'viewer' }));
    await store.rooms.create(newRoom('public-1'));
    await client.query('ANALYZE');

    const listed = await store.rooms.listVisible({ viewerId: 'viewer', afterOrdinal: 0, limit: 10 });
    assert.deepEqual(listed.rooms.map((room) => room.id), ['viewer-1', 'viewer-2', 'public-1']);
    assert.equal(listed.hasMore, false);
    const touched = await rowsTouched(client, listVisibleSql, ['viewer', 0, 11]);
    assert.ok(touched <= 3 * 11, `listVisible touched ${touched} rows with 20,000 other private rooms`);
    const otherView = await rowsTouched(client, listVisibleSql, ['other', 5, 11]);
    assert.ok(otherView <= 3 * 11, `a page of the other user's 20,000 rooms touched ${otherView} rows`);
  });

  it('joining a room of 100,000 members costs what joining an empty one does; checks and member pages too', async (t) => {
    const { store, url } = await freshStore(t);
    const client = await rawClient(t, url);
    await store.rooms.create(newRoom('crowded', { ownerId: 'owner' }));
    await store.rooms.create(newRoom('empty', { ownerId: 'owner' }));
    await client.query(`INSERT INTO memberships (room_id, user_id, room_ordinal)
                        SELECT 'crowded', 'member-' || g, ordinal FROM rooms, generate_series(1, 100000) g WHERE id = 'crowded'`);
    await client.query('ANALYZE');
    assert.deepEqual(await store.rooms.members('crowded', 3), ['owner', 'member-1', 'member-2']);

    // Interleaved, so that the shared machine's load falls on both alike; medians of 150 each.
    const timings = { crowded: [] as number[], empty: [] as number[] };
    for (let i = 0; i < 150; i++) {
      for (const roomId of ['crowded', 'empty'] as const) {
        const started = process.hrtime.bigint();
        await store.rooms.addMember(roomId, `joiner-${i}`);
        assert.equal(await store.rooms.isMember(roomId, `joiner-${i}`), true);
        await store.rooms.members(roomId, 20);
        timings[roomId].push(Number(process.hrtime.bigint() - started));
      }
    }
    const ratio = median(timings.crowded) / median(timings.empty);
    assert.ok(ratio < 2, `join + check + page of 20 in a room of 100,000 took ${ratio.toFixed(2)}x an empty room's`);
    assert.equal(await store.rooms.isMember('crowded', 'member-99999'), true);
  });

  it('3,000 joins to one room: the last joins are as fast as the first', async (t) => {
    const { store } = await freshStore(t);
    await store.rooms.create(newRoom('growing'));
    const durations: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      const started = process.hrtime.bigint();
      await store.rooms.addMember('growing', `user-${i}`);
      durations.push(Number(process.hrtime.bigint() - started));
    }
    const ratio = median(durations.slice(-500)) / median(durations.slice(0, 500));
    assert.ok(ratio < 2, `the last 500 joins took ${ratio.toFixed(2)}x the first 500's (median)`);
    assert.equal((await store.rooms.members('growing', 5_000)).length, 3_001);
  });
});

describe('postgres store: users and receipts', () => {
  it('remembers users by id, the latest name winning', async (t) => {
    const { store } = await freshStore(t);
    await store.users.remember({ id: 'u1', name: 'One' });
    await store.users.remember({ id: 'u2', name: 'Two' });
    await store.users.remember({ id: 'u1', name: 'Uno' });
    const found = await store.users.getMany(['u1', 'u2', 'u3']);
    assert.deepEqual([...found.entries()].sort(), [['u1', { id: 'u1', name: 'Uno' }], ['u2', { id: 'u2', name: 'Two' }]]);
    assert.equal((await store.users.getMany([])).size, 0);
  });

  it('read pointers only move forward, also when two instances race', async (t) => {
    const { store, url } = await freshStore(t);
    const second = await anotherStore(t, url);
    const receipt = (seq: number) => ({ roomId: 'r1', userId: 'u1', userName: 'U', seq, messageId: `r1.${seq}`, readAt: seq * 100 });
    assert.equal(await store.receipts.get('r1', 'u1'), undefined);
    assert.deepEqual(await store.receipts.advance(receipt(5)), { receipt: receipt(5), moved: true });
    assert.deepEqual(await store.receipts.advance(receipt(3)), { receipt: receipt(5), moved: false });
    assert.deepEqual(await store.receipts.advance(receipt(5)), { receipt: receipt(5), moved: false });
    assert.deepEqual(await store.receipts.advance(receipt(7)), { receipt: receipt(7), moved: true });
    assert.deepEqual(await store.receipts.get('r1', 'u1'), receipt(7));
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? store : second).receipts.advance(receipt(8 + ((i * 7) % 20)))));
    assert.deepEqual(await store.receipts.get('r1', 'u1'), receipt(27));
  });
});

describe('postgres store: timers', () => {
  it('creates up to maxActive active timers per room, also when two instances race', async (t) => {
    const { store, url } = await freshStore(t);
    const second = await anotherStore(t, url);
    assert.equal(await store.timers.create(timer('t1', 'r1'), 2), true);
    assert.equal(await store.timers.create(timer('t2', 'r1', { status: 'PAUSED', nextDueAt: null, endsAt: null }), 2), true);
    assert.equal(await store.timers.create(timer('t3', 'r1'), 2), false);
    assert.equal(await store.timers.get('t3'), undefined);
    assert.equal(await store.timers.create(timer('t3', 'r2'), 2), true);
    // An ended timer frees its place.
    assert.equal(await store.timers.transition(timer('t1', 'r1', { status: 'STOPPED', version: 2, nextDueAt: null, endsAt: null, endedAt: 5_000 }), 1), true);
    assert.equal(await store.timers.create(timer('t4', 'r1'), 2), true);

    const raced = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? store : second).timers.create(timer(`race-${i}`, 'r3'), 3)),
    );
    assert.equal(raced.filter(Boolean).length, 3);
  });

  it('creating a timer reads only the room\'s active timers: 300 ended ones cost nothing', async (t) => {
    const { store, url } = await freshStore(t);
    const client = await rawClient(t, url);
    for (let i = 0; i < 300; i++) {
      assert.equal(await store.timers.create(timer(`old-${i}`, 'r1', { status: 'FINISHED', nextDueAt: null, endsAt: null, endedAt: 1_000 + i }), 20), true);
    }
    // More rooms' timers, so that the planner prefers an index at all.
    await client.query(`INSERT INTO timers (id, room_id, duration_ms, tick_ms, status, started_by, started_by_name, started_at, paused_remaining_ms, version, ended_at)
                        SELECT 'bulk-' || g, 'room-' || (g % 500), 1, 1, 'FINISHED', 'a', 'A', 0, 0, 1, 0 FROM generate_series(1, 20000) g`);
    await store.timers.create(timer('live', 'r1'), 20);
    await client.query('ANALYZE');
    // The count inside create, with $1 unused (it is the timer id there).
    const touched = await rowsTouched(client, countActiveSql.replace('$2', '$1'), ['r1']);
    assert.ok(touched <= 3, `counting r1's active timers touched ${touched} rows next to 300 ended ones`);
    const running = await rowsTouched(client, `SELECT count(*) FROM timers WHERE status = 'RUNNING'`, []);
    assert.ok(running <= 3, `counting RUNNING timers touched ${running} rows next to 20,300 ended ones`);
    assert.equal(await store.timers.countRunning(), 1);
    assert.equal(await store.timers.create(timer('live-2', 'r1'), 1), false);
    assert.equal(await store.timers.create(timer('live-2', 'r1'), 2), true);
  });

  it('transition is a compare-and-set on the version', async (t) => {
    const { store } = await freshStore(t);
    await store.timers.create(timer('t1', 'r1'), 20);
    const paused = timer('t1', 'r1', { status: 'PAUSED', version: 2, endsAt: null, nextDueAt: null, pausedRemainingMs: 30_000 });
    assert.equal(await store.timers.transition(paused, 1), true);
    assert.equal(await store.timers.transition(timer('t1', 'r1', { version: 3 }), 1), false);
    assert.deepEqual(await store.timers.get('t1'), paused);
    assert.equal(await store.timers.transition(timer('missing', 'r1', { version: 2 }), 1), false);
    assert.equal(await store.timers.get('missing'), undefined);
  });

  it('due lists timers by due time, nextDueAt is the earliest, countRunning counts RUNNING ones', async (t) => {
    const { store } = await freshStore(t);
    assert.equal(await store.timers.nextDueAt(), undefined);
    assert.deepEqual(await store.timers.due(10_000, 10), []);
    await store.timers.create(timer('late', 'r1', { nextDueAt: 3_000 }), 20);
    await store.timers.create(timer('early', 'r1', { nextDueAt: 1_500 }), 20);
    await store.timers.create(timer('later', 'r2', { nextDueAt: 9_000 }), 20);
    await store.timers.create(timer('paused', 'r2', { status: 'PAUSED', nextDueAt: null, endsAt: null }), 20);
    assert.equal(await store.timers.nextDueAt(), 1_500);
    // The lead's newer interface asks for the first due time after an instant.
    const nextDueAfter = store.timers.nextDueAt as (afterMs?: number) => Promise<number | undefined>; // the same method, one optional argument more
    assert.equal(await nextDueAfter(1_500), 3_000);
    assert.equal(await nextDueAfter(9_000), undefined);
    assert.deepEqual(await store.timers.due(3_000, 10), [{ timerId: 'early', dueAt: 1_500 }, { timerId: 'late', dueAt: 3_000 }]);
    assert.deepEqual(await store.timers.due(10_000, 1), [{ timerId: 'early', dueAt: 1_500 }]);
    assert.equal(await store.timers.countRunning(), 3);
    // Reported, not consumed: still due until a transition moves it.
    assert.deepEqual(await store.timers.due(2_000, 10), [{ timerId: 'early', dueAt: 1_500 }]);
    await store.timers.transition(timer('early', 'r1', { version: 2, nextDueAt: 2_500 }), 1);
    await store.timers.transition(timer('late', 'r1', { version: 2, status: 'FINISHED', nextDueAt: null, endsAt: null, endedAt: 3_000 }), 1);
    assert.deepEqual(await store.timers.due(10_000, 10), [{ timerId: 'early', dueAt: 2_500 }, { timerId: 'later', dueAt: 9_000 }]);
    assert.equal(await store.timers.countRunning(), 2);
  });

  it('listByRoom gives the newest timers oldest first; purgeEnded deletes ended ones in bounded batches', async (t) => {
    const { store } = await freshStore(t);
    for (let i = 1; i <= 5; i++) {
      const ended = i <= 3;
      await store.timers.create(
        timer(`t${i}`, 'r1', ended ? { status: 'STOPPED', nextDueAt: null, endsAt: null, endedAt: i * 1_000 } : {}),
        20,
      );
    }
    await store.timers.create(timer('elsewhere', 'r2'), 20);
    assert.deepEqual((await store.timers.listByRoom('r1', 3)).map((x) => x.id), ['t3', 't4', 't5']);
    assert.deepEqual((await store.timers.listByRoom('r1', 10)).map((x) => x.id), ['t1', 't2', 't3', 't4', 't5']);
    assert.equal(await store.timers.purgeEnded(2_500, 10), 2);
    assert.equal(await store.timers.purgeEnded(10_000, 0), 0);
    assert.equal(await store.timers.purgeEnded(10_000, 10), 1);
    assert.equal(await store.timers.purgeEnded(10_000, 10), 0);
    assert.deepEqual((await store.timers.listByRoom('r1', 10)).map((x) => x.id), ['t4', 't5']);
  });
});

describe('postgres store: failure', () => {
  let own: PostgresServer;
  before(async () => {
    own = await startPostgres();
  });
  after(() => own.stop());

  it('fails fast with ENGINE_UNAVAILABLE while PostgreSQL is down, and recovers after it restarts', async (t) => {
    const url = await createDatabase(own);
    const errors: Error[] = [];
    const store = await createPostgresStore({ ...optionsFor(url), onError: (error) => errors.push(error), connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 });
    t.after(() => store.close());
    await store.rooms.create(newRoom('r1'));
    await store.messages.append(message('r1'));
    const epoch = store.epoch;

    await own.kill9();
    const calls: [string, () => Promise<unknown>][] = [
      ['append', () => store.messages.append(message('r1'))],
      ['range', () => store.messages.range('r1', 1, 10)],
      ['isMember', () => store.rooms.isMember('r1', 'alice')],
      ['create timer', () => store.timers.create(timer('t1', 'r1'), 20)],
      ['advance', () => store.receipts.advance({ roomId: 'r1', userId: 'u', userName: 'U', seq: 1, messageId: 'r1.1', readAt: 1 })],
      ['ping', () => store.ping()],
    ];
    for (const [name, call] of calls) {
      const started = Date.now();
      await assert.rejects(call(), (error) => codeOf(error) === ErrorCode.EngineUnavailable, name);
      assert.ok(Date.now() - started < 3_000, `${name} took ${Date.now() - started} ms to fail`);
    }
    // A store cannot start without its database either, and says so within the connect timeout.
    const started = Date.now();
    await assert.rejects(createPostgresStore({ ...optionsFor(url), connectTimeoutMs: 1_000 }), (error) => codeOf(error) === ErrorCode.EngineUnavailable);
    assert.ok(Date.now() - started < 3_000);

    await own.restart();
    const appended = await waitFor(
      () => store.messages.append(message('r1', { body: 'after' })).catch(() => undefined),
      { timeoutMs: 10_000, what: 'an append after PostgreSQL restarted' },
    );
    // What was committed before the kill -9 survived it; nothing half-done took a seq.
    assert.equal(appended.message.seq, 2);
    assert.deepEqual((await store.messages.range('r1', 1, 10)).map((m) => m.body), ['hello', 'after']);
    assert.equal((await createPostgresStore(optionsFor(url)).then(async (again) => { await again.close(); return again.epoch; })), epoch);
  });

  it('a statement that runs past the statement timeout fails with ENGINE_UNAVAILABLE, not a hang', async (t) => {
    const url = await createDatabase(own);
    const store = await createPostgresStore({ ...optionsFor(url), statementTimeoutMs: 500 });
    t.after(() => store.close());
    await store.rooms.create(newRoom('r1'));
    const client = await rawClient(t, url);
    // Another session holds the room's row lock, so the append waits on it until its statement timeout.
    await client.query('BEGIN');
    await client.query(`SELECT 1 FROM rooms WHERE id = 'r1' FOR UPDATE`);
    const started = Date.now();
    await assert.rejects(store.messages.append(message('r1')), (error) => codeOf(error) === ErrorCode.EngineUnavailable);
    assert.ok(Date.now() - started < 2_000, `the append took ${Date.now() - started} ms to fail`);
    await client.query('ROLLBACK');
    assert.equal((await store.messages.append(message('r1'))).message.seq, 1);
  });
});
