// Redis crashes (kill -9) under two Roomcast instances and comes back on the same port and data
// directory (AOF, appendfsync always). While it is down, writes fail fast with ENGINE_UNAVAILABLE and
// /readyz answers 503; once it is back, /readyz is 200 again, every acknowledged message is still there,
// and a subscriber that did nothing receives the new messages with no gap and no duplicate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf } from '../helpers/error-code.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, MESSAGE_FIELDS, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startTwoInstances, type SharedStack, type TwoInstances } from '../helpers/shared-stack.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

interface Delivered {
  messageAdded: { id: string; seq: number; cursor: string };
}

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { id seq cursor } }';
const FAIL_FAST_MS = 3_000;

const readyStatus = async (server: ServerProcess): Promise<number> =>
  (await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;

describe('Redis crash and recovery under two instances', () => {
  let stack: SharedStack;
  let a: ServerProcess;
  let b: ServerProcess;
  let alice: string;
  let bob: string;

  let instances: TwoInstances | undefined;

  before(async () => {
    instances = await startTwoInstances({ appendOnly: true, env: { REDIS_KEY_PREFIX: 'redis-recovery' } });
    ({ stack, a, b } = instances);
    [alice, bob] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('bob', 'Bob')]);
  });
  after(() => instances?.stop());

  it('fails fast and is unready while Redis is down, then recovers: nothing acknowledged is lost, the live subscriber sees no gap and no duplicate', async (t) => {
    const room = await createRoom(a.url, alice, { name: 'survives redis', memberIds: ['bob'] });
    const opener = await sendMessage(a.url, alice, { roomId: room.id, body: 'opener' });
    const ws = connectWs(b.wsUrl, bob);
    t.after(() => ws.dispose());
    const sub = ws.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });

    const acked: SentMessage[] = [opener];
    for (let i = 0; i < 10; i++) acked.push(await sendMessage(i % 2 === 0 ? a.url : b.url, alice, { roomId: room.id, body: `before crash ${i}` }));
    await sub.waitForCount(10, 10_000);
    assert.deepEqual(
      sub.items.map((item) => item.messageAdded.seq),
      range(2, 11),
    );

    await stack.redis.kill9();

    // Writes through either instance fail fast, with a code.
    for (const [name, server] of [['A', a], ['B', b]] as const) {
      const started = Date.now();
      const { body } = await gql<{ sendMessage: SentMessage }>(server.url, {
        token: alice,
        query: `mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${MESSAGE_FIELDS} } }`,
        variables: { i: { roomId: room.id, body: `while down via ${name}` } },
      });
      const elapsed = Date.now() - started;
      assert.ok(!body.data?.sendMessage, `${name}: a write while Redis is down is not acknowledged: ${JSON.stringify(body)}`);
      assert.equal(codeOf(body.errors?.[0]), 'ENGINE_UNAVAILABLE', `${name}: ${JSON.stringify(body.errors)}`);
      assert.ok(elapsed < FAIL_FAST_MS, `${name}: failed in ${elapsed} ms, not within ${FAIL_FAST_MS} ms`);
    }
    for (const server of [a, b]) {
      await waitFor(async () => (await readyStatus(server)) === 503, { timeoutMs: FAIL_FAST_MS, what: `/readyz on port ${server.port} to answer 503 while Redis is down` });
    }
    assert.equal(sub.completed(), false, 'the subscription stays open through the outage');

    await stack.redis.restart();
    for (const server of [a, b]) {
      await waitFor(async () => (await readyStatus(server)) === 200, { timeoutMs: 15_000, intervalMs: 100, what: `/readyz on port ${server.port} to answer 200 after Redis is back` });
    }

    // Everything acknowledged before the crash survived it (AOF, appendfsync always); nothing else was stored.
    for (const server of [a, b]) assert.deepEqual(await historySeqs(server.url, bob, room.id), range(1, 11), `history through port ${server.port}`);

    for (let i = 0; i < 10; i++) acked.push(await sendMessage(i % 2 === 0 ? a.url : b.url, alice, { roomId: room.id, body: `after restart ${i}` }));
    assert.deepEqual(
      acked.map((message) => message.seq),
      range(1, 21),
    );
    await sub.waitForCount(20, 15_000);
    // Sentinel: the next delivery must be this message, so nothing before it was doubled.
    const sentinel = await sendMessage(a.url, alice, { roomId: room.id, body: 'sentinel' });
    await sub.waitForCount(21, 10_000);
    assert.deepEqual(
      sub.items.map((item) => item.messageAdded.seq),
      range(2, sentinel.seq),
      'one subscription across the whole run: consecutive, each once',
    );
    assert.deepEqual(
      sub.items.map((item) => item.messageAdded.id),
      [...acked.slice(1), sentinel].map((message) => message.id),
    );
    assert.deepEqual(sub.errorCodes(), []);
    assert.equal(sub.completed(), false);
  });
});
