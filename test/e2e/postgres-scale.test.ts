// Access patterns that page in O(page) on PostgreSQL: `rooms(first: 20)` for a user with 3 rooms answers
// as fast with 20,000 private rooms of another user in the store as with none, and 3,000 members
// joining one room: the last joins are as fast as the first. Speed as a ratio within one run, the two
// sides measured alternately so that the machine's load falls on both.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { median, timedMedian } from '../helpers/timing.js';

const ROOMS = 'query { rooms(first: 20) { edges { node { id } } pageInfo { hasNextPage } } }';


describe('PostgreSQL access patterns page in O(page)', () => {
  let postgres: PostgresServer;
  let server: ServerProcess;
  let crowdedServer: ServerProcess;
  let crowdedUrl: string;
  before(async () => {
    postgres = await startPostgres();
    crowdedUrl = await createDatabase(postgres);
    // Two stores side by side, one empty and one crowded, asked alternately: both see the same load.
    [server, crowdedServer] = await Promise.all([
      startServer({ env: { DATABASE_URL: await createDatabase(postgres) } }),
      startServer({ env: { DATABASE_URL: crowdedUrl } }),
    ]);
  });
  after(async () => {
    await Promise.all([server?.stop(), crowdedServer?.stop()]);
    await postgres?.stop();
  });

  it('rooms(first: 20) for a user with 3 rooms: as fast with 20,000 private rooms of another user as with none', async () => {
    const viewer = await tokenFor('viewer');
    for (const target of [server, crowdedServer]) {
      for (let i = 0; i < 3; i++) await createRoom(target.url, viewer, { name: `mine ${i}`, private: true });
    }
    // Seeded in one statement rather than 20,000 requests: the rooms are another user's, created after the viewer's.
    const client = new pg.Client({ connectionString: crowdedUrl });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO rooms (id, name, private, owner_id, created_at)
         SELECT 'room_seed' || i, 'seed ' || i, true, 'someone-else', 0 FROM generate_series(1, 20000) AS i`,
      );
      await client.query(
        `INSERT INTO memberships (room_id, user_id, room_ordinal)
         SELECT id, owner_id, ordinal FROM rooms WHERE owner_id = 'someone-else'`,
      );
      await client.query('COMMIT');
      await client.query('ANALYZE');
    } finally {
      await client.end();
    }
    const list = (target: ServerProcess) => gqlData<{ rooms: { edges: unknown[] } }>(target.url, { token: viewer, query: ROOMS });
    assert.equal((await list(crowdedServer)).rooms.edges.length, 3, 'still only the viewer’s rooms');
    const empty: number[] = [];
    const crowded: number[] = [];
    for (let i = 0; i < 40; i++) {
      empty.push(await timedMedian(() => list(server), 1));
      crowded.push(await timedMedian(() => list(crowdedServer), 1));
    }
    assert.ok(median(crowded) <= median(empty) * 2 + 1, `median rooms(first: 20): ${median(empty).toFixed(2)} ms with none, ${median(crowded).toFixed(2)} ms with 20,000`);
  });

  it('3,000 members join one room: the last 100 joins are as fast as the first 100', async () => {
    const owner = await tokenFor('owner');
    const crowdedRoom = await createRoom(server.url, owner, { name: 'crowded' });
    const freshRoom = await createRoom(server.url, owner, { name: 'fresh' });
    const join = async (roomId: string, userId: string) => {
      const token = await tokenFor(userId);
      const began = performance.now();
      await gqlData(server.url, { token, query: 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', variables: { r: roomId } });
      return performance.now() - began;
    };
    for (let i = 0; i < 2_900; i++) await join(crowdedRoom.id, `member${i}`);
    // The last 100 joins of the crowded room, each paired with one of the first 100 of a fresh room.
    const last: number[] = [];
    const first: number[] = [];
    for (let i = 0; i < 100; i++) {
      last.push(await join(crowdedRoom.id, `member${2_900 + i}`));
      first.push(await join(freshRoom.id, `newcomer${i}`));
    }
    assert.ok(median(last) <= median(first) * 2 + 1, `median join: first 100 ${median(first).toFixed(2)} ms, last 100 ${median(last).toFixed(2)} ms`);
  });
});
