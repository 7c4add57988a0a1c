// Access patterns that page in O(page) on PostgreSQL: `rooms(first: 20)` for a user with 3 rooms answers
// as fast with 20,000 private rooms of another user in the store as with none, and 3,000 members
// joining one room: the last joins are as fast as the first. (Speed as a ratio within one run.)
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
  let databaseUrl: string;
  before(async () => {
    postgres = await startPostgres();
    databaseUrl = await createDatabase(postgres);
    server = await startServer({ env: { DATABASE_URL: databaseUrl } });
  });
  after(async () => {
    await server?.stop();
    await postgres?.stop();
  });

  it('rooms(first: 20) for a user with 3 rooms: as fast with 20,000 private rooms of another user as with none', async () => {
    const viewer = await tokenFor('viewer');
    for (let i = 0; i < 3; i++) await createRoom(server.url, viewer, { name: `mine ${i}`, private: true });
    const list = () => gqlData<{ rooms: { edges: unknown[] } }>(server.url, { token: viewer, query: ROOMS });
    assert.equal((await list()).rooms.edges.length, 3);
    const before = await timedMedian(list, 30);

    // Seeded in one statement rather than 20,000 requests: the rooms are another user's, created after the viewer's.
    const client = new pg.Client({ connectionString: databaseUrl });
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
    const { rooms } = await list();
    assert.equal(rooms.edges.length, 3, 'still only the viewer’s rooms');
    const afterSeed = await timedMedian(list, 30);
    assert.ok(afterSeed <= before * 2 + 2, `median rooms(first: 20): ${before.toFixed(2)} ms with none, ${afterSeed.toFixed(2)} ms with 20,000`);
  });

  it('3,000 members join one room: the last 100 joins are as fast as the first 100', async () => {
    const owner = await tokenFor('owner');
    const room = await createRoom(server.url, owner, { name: 'crowded' });
    const joinMs: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      const token = await tokenFor(`member${i}`);
      const began = performance.now();
      await gqlData(server.url, { token, query: 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', variables: { r: room.id } });
      joinMs.push(performance.now() - began);
    }
    const first = median(joinMs.slice(0, 100));
    const last = median(joinMs.slice(-100));
    assert.ok(last <= first * 2 + 1, `median join: first 100 ${first.toFixed(2)} ms, last 100 ${last.toFixed(2)} ms`);
  });
});
