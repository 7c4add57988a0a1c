// PostgreSQL killed and restarted under a live subscriber while messages keep being sent: writes fail
// fast with ENGINE_UNAVAILABLE (never INTERNAL_SERVER_ERROR, never a hang), /readyz goes 503 and back to
// 200, the subscription never ends, and every acknowledged message arrives once, in order.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, range } from '../helpers/operations.js';
import { createDatabase, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const SEND = 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }';
const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq body } }';

describe('a PostgreSQL outage under live traffic', () => {
  let postgres: PostgresServer;
  let server: ServerProcess;
  before(async () => {
    postgres = await startPostgres();
    server = await startServer({ env: { DATABASE_URL: await createDatabase(postgres), DATABASE_TIMEOUT_MS: '1000' } });
  });
  after(async () => {
    await server?.stop();
    await postgres?.stop();
  });

  it('answers ENGINE_UNAVAILABLE within 5 s, /readyz 503 then 200, and the subscriber gets every acknowledged message once', async (t) => {
    const alice = await tokenFor('alice', 'Alice');
    const room = await createRoom(server.url, alice, { name: 'outage' });
    const ws = connectWs(server.wsUrl, alice);
    t.after(() => ws.dispose());
    const { body: head } = await gql<{ room: { headCursor: string } }>(server.url, { token: alice, query: 'query($r: ID!) { room(id: $r) { headCursor } }', variables: { r: room.id } });
    const sub = ws.subscribe<{ messageAdded: { seq: number; body: string } }>(MESSAGE_ADDED, { r: room.id, a: head.data?.room.headCursor });

    // A sender that keeps going whatever happens, and remembers what was acknowledged.
    const acked: { seq: number; body: string }[] = [];
    const codes = new Set<string>();
    let sending = true;
    let n = 0;
    const sender = (async () => {
      while (sending) {
        const body = `m${n++}`;
        const began = Date.now();
        const { body: reply } = await gql<{ sendMessage: { seq: number } }>(server.url, { token: alice, query: SEND, variables: { i: { roomId: room.id, body } } }).catch(
          () => ({ body: { data: null, errors: [{ message: 'fetch failed', extensions: { code: 'FETCH_FAILED' } }] } }),
        );
        const elapsed = Date.now() - began;
        assert.ok(elapsed < 5_000, `a send answered within 5 s (took ${elapsed} ms)`);
        if (reply.data?.sendMessage) acked.push({ seq: reply.data.sendMessage.seq, body });
        for (const error of reply.errors ?? []) codes.add(String(error.extensions?.code));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const readyz = async () => (await fetch(server.url.replace('/graphql', '/readyz'), { signal: AbortSignal.timeout(5_000) })).status;

    await waitFor(() => acked.length >= 10, { timeoutMs: 10_000, what: '10 acknowledged sends before the outage' });
    await postgres.kill9();
    const downAt = Date.now();
    await waitFor(() => codes.has('ENGINE_UNAVAILABLE'), { timeoutMs: 5_000, what: 'ENGINE_UNAVAILABLE while PostgreSQL is down' });
    assert.ok(Date.now() - downAt < 5_000);
    assert.equal(await readyz(), 503);
    const ackedDuringOutage = acked.length;
    await postgres.restart();
    await waitFor(async () => (await readyz()) === 200, { timeoutMs: 15_000, what: '/readyz to answer 200 again' });
    await waitFor(() => acked.length >= ackedDuringOutage + 10, { timeoutMs: 15_000, what: '10 acknowledged sends after the restart' });
    sending = false;
    await sender;

    assert.ok(!codes.has('INTERNAL_SERVER_ERROR'), `codes seen: ${[...codes].join(', ')}`);
    const last = acked.at(-1)?.seq ?? 0;
    await waitFor(() => sub.items.some((item) => item.messageAdded.seq === last), { timeoutMs: 15_000, what: `the subscriber to reach seq ${last}` });
    assert.equal(sub.completed(), false, 'the subscription never ended');
    assert.deepEqual(sub.errorCodes(), []);
    const seqs = sub.items.map((item) => item.messageAdded.seq);
    assert.deepEqual(seqs, range(1, seqs.length), 'every stored message once, in order');
    const delivered = new Map(sub.items.map((item) => [item.messageAdded.seq, item.messageAdded.body]));
    for (const message of acked) assert.equal(delivered.get(message.seq), message.body, `acknowledged seq ${message.seq} delivered`);
  });
});
