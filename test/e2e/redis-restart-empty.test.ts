// Redis restarted EMPTY (no AOF) under two instances on PostgreSQL: nothing durable is lost (it was never
// in Redis), and live state recovers by itself: a subscriber that did nothing keeps receiving with no gap,
// the online list is rebuilt by the instances' heartbeats, and a running timer finishes exactly once,
// its finish reaching the timerTicked subscriber even if it fell into the outage.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, range, sendMessage } from '../helpers/operations.js';
import { startTwoInstances, type SharedStack, type TwoInstances } from '../helpers/shared-stack.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq } }';
const TIMER_TICKED = 'subscription($id: ID!) { timerTicked(timerId: $id) { timer { status } } }';
const ONLINE = 'query($r: ID!) { room(id: $r) { online { id } } }';

describe('Redis restarted empty under two instances', () => {
  let stack: SharedStack;
  let a: ServerProcess;
  let b: ServerProcess;
  let instances: TwoInstances | undefined;

  before(async () => {
    // A short liveness TTL, so that heartbeats (every third of it) notice the empty Redis quickly.
    instances = await startTwoInstances({ env: { REDIS_KEY_PREFIX: 'restart-empty', PRESENCE_TTL_MS: '1500' } });
    ({ stack, a, b } = instances);
  });
  after(() => instances?.stop());

  it('loses nothing durable; delivery, presence and timers recover by themselves', async (t) => {
    const alice = await tokenFor('alice', 'Alice');
    const bob = await tokenFor('bob', 'Bob');
    const room = await createRoom(a.url, alice, { name: 'survives an empty redis', memberIds: ['bob'] });
    const opener = await sendMessage(a.url, alice, { roomId: room.id, body: 'opener' });
    const ws = connectWs(b.wsUrl, bob);
    t.after(() => ws.dispose());
    const messages = ws.subscribe<{ messageAdded: { seq: number } }>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });
    for (let i = 0; i < 5; i++) await sendMessage(a.url, alice, { roomId: room.id, body: `before ${i}` });
    await messages.waitForCount(5);
    const online = async () => (await gqlData<{ room: { online: { id: string }[] } }>(a.url, { token: alice, query: ONLINE, variables: { r: room.id } })).room.online.map((user) => user.id);
    await waitFor(async () => (await online()).includes('bob'), { what: 'bob online before the restart' });
    const { startTimer } = await gqlData<{ startTimer: { id: string } }>(a.url, {
      token: alice,
      query: 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }',
      variables: { i: { roomId: room.id, durationMs: 2_500, tickMs: 1_000 } },
    });
    const ticks = ws.subscribe<{ timerTicked: { timer: { status: string } } }>(TIMER_TICKED, { id: startTimer.id });
    await ticks.waitForCount(1);

    await stack.redis.kill9();
    // Down long enough for the timer to finish during the outage.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await stack.redis.restart();

    // Writes work again once the instances reconnect; the subscriber continues with no gap.
    await waitFor(
      async () => {
        const sent = await sendMessage(a.url, alice, { roomId: room.id, body: 'after' }).catch(() => undefined);
        return sent !== undefined;
      },
      { timeoutMs: 15_000, intervalMs: 200, what: 'a send to succeed after the restart' },
    );
    const head = (await historySeqs(a.url, alice, room.id)).at(-1) ?? 0;
    await waitFor(() => messages.items.some((item) => item.messageAdded.seq === head), { timeoutMs: 10_000, what: `the subscriber to reach seq ${head}` });
    assert.deepEqual(messages.items.map((item) => item.messageAdded.seq), range(2, head), 'no gap, no duplicate');
    assert.deepEqual(await historySeqs(b.url, bob, room.id), range(1, head), 'history intact');
    assert.equal(messages.completed(), false);

    await waitFor(async () => (await online()).includes('bob'), { timeoutMs: 10_000, what: 'bob online again, from the heartbeat of his instance' });

    const stored = await gqlData(a.url, { token: alice, query: 'query($id: ID!) { timer(id: $id) { status } }', variables: { id: startTimer.id } });
    await waitFor(() => ticks.completed(), { timeoutMs: 10_000, what: () => `timerTicked to complete (has ${JSON.stringify(ticks.items)}; stored: ${JSON.stringify(stored)})` });
    const statuses = ticks.items.map((item) => item.timerTicked.timer.status);
    assert.equal(statuses.filter((status) => status === 'FINISHED').length, 1, `finished exactly once: ${statuses.join(',')}`);
    assert.deepEqual(ticks.errorCodes(), []);
  });
});
