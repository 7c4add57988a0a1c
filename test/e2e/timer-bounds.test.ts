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
      const crowded = await createRoom(server.url, alice, { name: 'many timers' });
      const fresh = await createRoom(server.url, alice, { name: 'few timers' });
      const startAndStop = async (roomId: string): Promise<number> => {
        const began = performance.now();
        const { startTimer } = await gqlData<{ startTimer: { id: string } }>(server.url, {
          token: alice,
          query: START,
          variables: { i: { roomId, durationMs: 60_000 } },
        });
        const took = performance.now() - began;
        await gqlData(server.url, { token: alice, query: STOP, variables: { id: startTimer.id } });
        return took;
      };
      for (let i = 0; i < 250; i++) await startAndStop(crowded.id);
      // The last 50 of the crowded room's 300, each paired with one of the first 50 of a fresh room,
      // alternately: both sides see the same load, so a drift of the machine cannot pass for a cost.
      const last: number[] = [];
      const first: number[] = [];
      for (let i = 0; i < 50; i++) {
        last.push(await startAndStop(crowded.id));
        first.push(await startAndStop(fresh.id));
      }
      // The old code walked every timer of the room (600 ms per start at 100,000 ended timers).
      assert.ok(median(last) <= median(first) * 2 + 1, `median start: first 50 ${median(first).toFixed(2)} ms, last 50 ${median(last).toFixed(2)} ms`);
      const { room: listed } = await gqlData<{ room: { timers: { status: string }[] } }>(server.url, { token: alice, query: LIST, variables: { r: crowded.id } });
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
