// Several Roomcast processes on one PostgreSQL and one redis-server behave as one server: messages sent through any
// instance reach subscribers on every instance exactly once and in seq order, history is the same
// everywhere, a subscriber whose instance is killed -9 resumes on another with nothing lost or doubled,
// and a timer whose instance died is ticked and finished by the survivors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startSharedStack, type SharedStack } from '../helpers/shared-stack.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { kill9 } from '../helpers/server-kill.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs, type LiveSubscription } from '../helpers/ws-client.js';

interface Delivered {
  messageAdded: { id: string; seq: number; cursor: string };
}
interface HistoryNode {
  id: string;
  seq: number;
  body: string;
  author: { id: string };
}
interface Tick {
  timerTicked: { remainingMs: number; timer: { id: string; status: string; remainingMs: number } };
}

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { id seq cursor } }';
const TIMER_TICKED = 'subscription($id: ID!) { timerTicked(timerId: $id) { remainingMs timer { id status remainingMs } } }';

const seqsOf = (items: readonly Delivered[]) => items.map((item) => item.messageAdded.seq);

/** The whole history of a room (up to 100 messages) as read through one instance, oldest first. */
const history = async (server: ServerProcess, token: string, roomId: string): Promise<HistoryNode[]> =>
  (
    await gqlData<{ messages: { edges: { node: HistoryNode }[] } }>(server.url, {
      token,
      query: 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { id seq body author { id } } } } }',
      variables: { r: roomId },
    })
  ).messages.edges.map((edge) => edge.node);


describe('several instances on one PostgreSQL and one Redis', () => {
  let stack: SharedStack;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  const extra: ServerProcess[] = [];
  let alice: string;
  let bob: string;
  let carol: string;
  const start = () => startServer({ env: { ...stack.env, REDIS_KEY_PREFIX: 'multi-instance' } });

  before(async () => {
    stack = await startSharedStack();
    [a, b, c] = await Promise.all([start(), start(), start()]);
    [alice, bob, carol] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('bob', 'Bob'), tokenFor('carol', 'Carol')]);
  });
  after(async () => {
    // By PID: servers first (they hold connections to Redis), then Redis.
    await Promise.all([a, b, c, ...extra].filter(Boolean).map((server) => server.stop()));
    await stack?.stop();
  });

  it('messages sent alternately through A and C reach subscribers on B and C once, in seq order; history is the same everywhere', async (t) => {
    const room = await createRoom(a.url, alice, { name: 'across instances', memberIds: ['bob', 'carol'] });
    const opener = await sendMessage(a.url, alice, { roomId: room.id, body: 'opener' });
    assert.equal(opener.seq, 1);

    const wsB = connectWs(b.wsUrl, bob);
    const wsC = connectWs(c.wsUrl, carol);
    t.after(() => Promise.all([wsB.dispose(), wsC.dispose()]));
    // With `after` the streams replay whatever they missed, so they need not be live before the sends.
    const onB = wsB.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });
    const onC = wsC.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });

    const sent: SentMessage[] = [];
    for (let i = 0; i < 30; i++) {
      const via = i % 2 === 0 ? a : c;
      sent.push(await sendMessage(via.url, alice, { roomId: room.id, body: `message ${i} via ${via === a ? 'A' : 'C'}` }));
    }
    assert.deepEqual(
      sent.map((message) => message.seq),
      range(2, 31),
      'one seq sequence shared by both instances',
    );

    for (const [name, sub] of [['B', onB], ['C', onC]] as const) {
      await sub.waitForCount(30, 10_000);
      assert.deepEqual(seqsOf(sub.items), range(2, 31), `subscriber on ${name}: consecutive, each once`);
      assert.deepEqual(
        sub.items.map((item) => item.messageAdded.id),
        sent.map((message) => message.id),
        `subscriber on ${name}: the acknowledged messages, in order`,
      );
    }
    // Sentinel: the next thing each stream delivers must be this message, so nothing was doubled after 31.
    const sentinel = await sendMessage(c.url, alice, { roomId: room.id, body: 'sentinel' });
    for (const [name, sub] of [['B', onB], ['C', onC]] as const) {
      await sub.waitForCount(31, 10_000);
      assert.deepEqual(seqsOf(sub.items), range(2, sentinel.seq), `subscriber on ${name}: then the sentinel, no duplicate`);
      assert.deepEqual(sub.errorCodes(), [], `subscriber on ${name}: no errors`);
    }

    const [historyA, historyB, historyC] = await Promise.all([history(a, bob, room.id), history(b, bob, room.id), history(c, carol, room.id)]);
    assert.deepEqual(
      historyB.map((node) => node.seq),
      range(1, sentinel.seq),
    );
    assert.deepEqual(historyB, historyC, 'history read on B equals history read on C');
    assert.deepEqual(historyA, historyB, 'and on A');

    // Written through B, read through C.
    const other = await createRoom(b.url, bob, { name: 'written on B' });
    const written: SentMessage[] = [];
    for (let i = 0; i < 5; i++) written.push(await sendMessage(b.url, bob, { roomId: other.id, body: `from B ${i}` }));
    const readOnC = await history(c, carol, other.id);
    assert.deepEqual(
      readOnC.map((node) => [node.id, node.seq, node.body, node.author.id]),
      written.map((message) => [message.id, message.seq, message.body, message.author.id]),
    );
    assert.deepEqual(readOnC, await history(b, bob, other.id));
  });

  it('a subscriber whose instance is killed -9 resumes on another from its last cursor: every acknowledged message exactly once, in order', async (t) => {
    // The victim is a fourth instance, so A, B and C stay up for the other tests.
    const victim = await start();
    extra.push(victim);
    const room = await createRoom(a.url, alice, { name: 'instance crash', memberIds: ['bob'] });
    const opener = await sendMessage(a.url, alice, { roomId: room.id, body: 'opener' });

    const wsVictim = connectWs(victim.wsUrl, bob);
    t.after(() => wsVictim.dispose());
    const first = wsVictim.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });

    // The sender keeps sending through the surviving instances; only what returned data is acknowledged.
    const survivors = [a, b, c];
    const acked: SentMessage[] = [];
    const failures: string[] = [];
    let sending = true;
    const sender = (async () => {
      for (let i = 0; sending && i < 3_000; i++) {
        const via = survivors[i % survivors.length] as ServerProcess;
        try {
          acked.push(await sendMessage(via.url, alice, { roomId: room.id, body: `crash run ${i}` }));
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
        await sleep(10); // pacing only, not synchronization
      }
    })();
    t.after(async () => {
      sending = false;
      await sender;
    });

    await first.waitForCount(10, 10_000);
    await kill9(victim);
    await waitFor(() => first.completed(), { timeoutMs: 5_000, what: 'the subscription on the killed instance to end' });
    const received = [...first.items];
    const lastCursor = received.at(-1)?.messageAdded.cursor;
    assert.ok(lastCursor, 'a last received cursor');

    // Messages keep being acknowledged while the client is away.
    const ackedAtCrash = acked.length;
    await waitFor(() => acked.length >= ackedAtCrash + 10, { timeoutMs: 10_000, what: () => `10 more acknowledged sends (have ${acked.length - ackedAtCrash}; failures ${JSON.stringify(failures.slice(-3))})` });

    const wsB = connectWs(b.wsUrl, bob);
    t.after(() => wsB.dispose());
    const second = wsB.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: lastCursor });
    const all = () => [...received, ...second.items];
    const ackedAtResume = acked.length;
    // The resumed stream catches up and then follows live sends for a while.
    await waitFor(() => acked.length >= ackedAtResume + 10 && second.items.length > 0, {
      timeoutMs: 10_000,
      what: () => `10 more acknowledged sends after resuming and a delivery (sent ${acked.length - ackedAtResume}, delivered ${second.items.length})`,
    });
    sending = false;
    await sender;

    const head = Math.max(...acked.map((message) => message.seq));
    await waitFor(() => all().some((item) => item.messageAdded.seq >= head), {
      timeoutMs: 15_000,
      what: () => `the resumed stream to reach seq ${head} (last ${JSON.stringify(seqsOf(all()).slice(-5))}; errors ${JSON.stringify(second.errorCodes())})`,
    });
    const sentinel = await sendMessage(c.url, alice, { roomId: room.id, body: 'sentinel' });
    await waitFor(() => all().some((item) => item.messageAdded.seq >= sentinel.seq), { timeoutMs: 10_000, what: 'the sentinel on the resumed stream' });

    const seqs = seqsOf(all());
    assert.deepEqual(seqs, range(2, sentinel.seq), 'across both subscriptions: consecutive from after+1, each once, in order');
    const idBySeq = new Map(all().map((item) => [item.messageAdded.seq, item.messageAdded.id]));
    for (const message of acked) assert.equal(idBySeq.get(message.seq), message.id, `acknowledged seq ${message.seq} was delivered as itself`);
    assert.deepEqual(second.errorCodes(), []);
    assert.ok(acked.length >= 30, `the sender kept going (${acked.length} acknowledged)`);
    if (failures.length > 0) t.diagnostic(`sends that failed on surviving instances: ${failures.length}, e.g. ${failures[0]}`);
    assert.deepEqual(await historySeqs(c.url, bob, room.id), range(1, sentinel.seq), 'history has them all too');
  });

  it('a timer started through an instance that is killed -9 right away still ticks and finishes exactly once for subscribers on B and C', async (t) => {
    const room = await createRoom(a.url, alice, { name: 'timer crash', memberIds: ['bob', 'carol'] });
    const { startTimer } = await gqlData<{ startTimer: { id: string; status: string } }>(a.url, {
      token: alice,
      query: 'mutation($r: ID!) { startTimer(input: { roomId: $r, durationMs: 3000, tickMs: 1000, label: "orphan" }) { id status } }',
      variables: { r: room.id },
    });
    assert.equal(startTimer.status, 'RUNNING');
    await kill9(a);

    const wsB = connectWs(b.wsUrl, bob);
    const wsC = connectWs(c.wsUrl, carol);
    t.after(() => Promise.all([wsB.dispose(), wsC.dispose()]));
    const subs: [string, LiveSubscription<Tick>][] = [
      ['B', wsB.subscribe<Tick>(TIMER_TICKED, { id: startTimer.id })],
      ['C', wsC.subscribe<Tick>(TIMER_TICKED, { id: startTimer.id })],
    ];
    for (const [name, sub] of subs) {
      await sub.waitForComplete(10_000);
      assert.deepEqual(sub.errors, [], `${name}: no errors`);
      const [current, ...rest] = sub.items.map((item) => item.timerTicked);
      assert.ok(current, `${name}: the current state first`);
      assert.equal(current.timer.id, startTimer.id);
      assert.equal(current.timer.status, 'RUNNING', `${name}: the current state is RUNNING`);
      assert.ok(current.remainingMs > 0 && current.remainingMs <= 3_000, `${name}: current remaining ${current.remainingMs}`);
      const last = rest.at(-1);
      assert.deepEqual(last && [last.remainingMs, last.timer.status, last.timer.remainingMs], [0, 'FINISHED', 0], `${name}: ends with FINISHED at 0`);
      const ticks = rest.slice(0, -1);
      assert.ok(
        ticks.every((tick) => tick.timer.status === 'RUNNING'),
        `${name}: only RUNNING ticks before the one FINISHED: ${JSON.stringify(rest.map((tick) => tick.timer.status))}`,
      );
      const tickMs = ticks.map((tick) => tick.remainingMs);
      assert.ok(
        [[2_000, 1_000], [2_000], [1_000], []].some((allowed) => JSON.stringify(allowed) === JSON.stringify(tickMs)),
        `${name}: ticks are 2000 then 1000, possibly partially, never doubled: ${JSON.stringify(tickMs)}`,
      );
    }
    const { timer } = await gqlData<{ timer: { status: string; remainingMs: number } | null }>(b.url, {
      token: bob,
      query: 'query($id: ID!) { timer(id: $id) { status remainingMs } }',
      variables: { id: startTimer.id },
    });
    assert.deepEqual(timer, { status: 'FINISHED', remainingMs: 0 });
  });

  it('once leaveRoom returns on one instance, no instance accepts the leaver\'s writes to a private room or delivers it to them', async (t) => {
    // A fresh third instance: an earlier test killed A.
    const d = await start();
    extra.push(d);
    const room = await createRoom(d.url, alice, { name: 'leaving across instances', private: true, memberIds: ['bob'] });
    const opener = await sendMessage(d.url, alice, { roomId: room.id, body: 'opener' });
    // Bob's writes were accepted by B and C a moment ago (any cache they keep is warm).
    await sendMessage(b.url, bob, { roomId: room.id, body: 'bob via B' });
    await sendMessage(c.url, bob, { roomId: room.id, body: 'bob via C' });
    const wsB = connectWs(b.wsUrl, bob);
    t.after(() => wsB.dispose());
    const onB = wsB.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor });
    await onB.waitForCount(2);

    await gqlData(d.url, { token: bob, query: 'mutation($r: ID!) { leaveRoom(roomId: $r) { id } }', variables: { r: room.id } });
    for (const server of [b, c, d]) {
      const { body } = await gql(server.url, {
        token: bob,
        query: 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }',
        variables: { i: { roomId: room.id, body: 'after leaving' } },
      });
      assert.equal(body.errors?.[0]?.extensions?.code, 'NOT_FOUND', `a write through port ${server.port} is refused at once`);
    }
    await onB.waitForComplete(5_000);
    assert.deepEqual(onB.errorCodes(), ['NOT_FOUND'], 'the stream on B ended: the room no longer exists for bob');
    await sendMessage(d.url, alice, { roomId: room.id, body: 'for members only' });
    assert.deepEqual(seqsOf(onB.items), [2, 3], 'nothing sent after the leave reached bob');
    assert.deepEqual(await historySeqs(d.url, alice, room.id), range(1, 4), 'and nothing of his was stored');
  });
});
