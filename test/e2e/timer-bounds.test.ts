// Ended timers pile up without bound no more: creating a timer costs the same with 300 ended timers in
// the room as with none (active timers are counted, not found by walking every timer), and
// `Room.timers` lists a bounded number. On the memory store and on PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { startServer, type ServerProcess, type ServerEnv } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { median } from '../helpers/timing.js';

const START = 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }';
const STOP = 'mutation($id: ID!) { stopTimer(id: $id) { status } }';
const LIST = 'query($r: ID!) { room(id: $r) { timers { id status } } }';


const startsStayFlat = (name: string, env: () => Promise<ServerEnv>) =>
  describe(`timer bounds: ${name}`, () => {
    let server: ServerProcess;
    let alice: string;
    before(async () => {
      server = await startServer({ env: await env() });
      alice = await tokenFor('alice');
    });
    after(() => server?.stop());

    it('300 timers started and stopped in one room: the last 50 starts are as fast as the first 50', async () => {
      const room = await createRoom(server.url, alice, { name: 'many timers' });
      const startMs: number[] = [];
      for (let i = 0; i < 300; i++) {
        const began = performance.now();
        const { startTimer } = await gqlData<{ startTimer: { id: string } }>(server.url, {
          token: alice,
          query: START,
          variables: { i: { roomId: room.id, durationMs: 60_000 } },
        });
        startMs.push(performance.now() - began);
        await gqlData(server.url, { token: alice, query: STOP, variables: { id: startTimer.id } });
      }
      const first = median(startMs.slice(0, 50));
      const last = median(startMs.slice(-50));
      // A ratio of medians from the same run, with a millisecond of slack for scheduling noise: the old
      // code walked every timer of the room (600 ms per start at 100,000 ended timers).
      assert.ok(last <= first * 2 + 1, `median start: first 50 ${first.toFixed(2)} ms, last 50 ${last.toFixed(2)} ms`);
      const { room: listed } = await gqlData<{ room: { timers: { status: string }[] } }>(server.url, { token: alice, query: LIST, variables: { r: room.id } });
      assert.equal(listed.timers.length, 100, 'Room.timers lists the newest 100');
      assert.ok(listed.timers.every((timer) => timer.status === 'STOPPED'));
    });
  });

startsStayFlat('memory', async () => ({}));

let postgres: PostgresServer | undefined;
after(() => postgres?.stop());
startsStayFlat('postgres', async () => {
  postgres = await startPostgres();
  return { DATABASE_URL: await createDatabase(postgres) };
});
