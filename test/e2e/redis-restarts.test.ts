// Redis is killed -9 and restarted (AOF, appendfsync always) three times in a row under two Roomcast
// instances (on one PostgreSQL) while graphql-ws subscribers, with and without `after`, are live and a publisher keeps
// sending over HTTP. No subscription ends, and each subscriber gets every acknowledged message exactly
// once, in seq order (a subscriber without `after` from its first message on).
//
// The old failure was a race: after a restart the bus resynced as soon as the subscriber connection was
// back, while the command connection could still be down, so the catch-up read failed and every message
// stream ended with ENGINE_UNAVAILABLE.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeOf } from '../helpers/error-code.js';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, MESSAGE_FIELDS, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startTwoInstances, type SharedStack, type TwoInstances } from '../helpers/shared-stack.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs, type LiveSubscription } from '../helpers/ws-client.js';

interface Delivered {
  messageAdded: { id: string; seq: number };
}

const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { id seq } }';
const RESTARTS = 3;
// Long enough for both of ioredis's connections to be in their reconnect backoff (which grows to 1 s),
// so that one comes back before the other, as in production.
const OUTAGE_MS = 1_500;
// Between two sends, so that the run stays a steady trickle rather than a flood on two shared cores.
const SEND_GAP_MS = 20;

const readyStatus = async (server: ServerProcess): Promise<number | undefined> => {
  try {
    return (await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return undefined;
  }
};

/**
 * Sends messages one after another, alternating instances, until stopped. A send that fails (with
 * ENGINE_UNAVAILABLE or a network error) is retried with the same clientId, which the server stores
 * once; only answered sends count as acknowledged.
 */
const startPublisher = (servers: ServerProcess[], token: string, roomId: string) => {
  const acked: SentMessage[] = [];
  const failureCodes: unknown[] = [];
  let stopped = false;
  const run = (async () => {
    for (let i = 0; !stopped; i++) {
      const clientId = `restarts-${i}`;
      for (let attempt = 0; !stopped; attempt++) {
        const server = servers[(i + attempt) % servers.length];
        assert.ok(server);
        try {
          const { body } = await gql<{ sendMessage: SentMessage }>(server.url, {
            token,
            query: `mutation($i: SendMessageInput!) { sendMessage(input: $i) { ${MESSAGE_FIELDS} } }`,
            variables: { i: { roomId, body: `message ${i}`, clientId } },
          });
          if (body.data?.sendMessage) {
            acked.push(body.data.sendMessage);
            break;
          }
          const code = codeOf(body.errors?.[0]);
          failureCodes.push(code);
          assert.equal(code, 'ENGINE_UNAVAILABLE', `only an outage refuses a send: ${JSON.stringify(body.errors)}`);
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          failureCodes.push('NETWORK');
        }
        await sleep(50);
      }
      await sleep(SEND_GAP_MS);
    }
  })();
  return {
    acked,
    failureCodes,
    lastAckedSeq: () => acked.at(-1)?.seq ?? 0,
    stop: async () => {
      stopped = true;
      await run;
    },
  };
};

describe('three Redis crashes in a row under live subscriptions', () => {
  let stack: SharedStack;
  let a: ServerProcess;
  let b: ServerProcess;
  let alice: string;
  let bob: string;

  let instances: TwoInstances | undefined;

  before(async () => {
    instances = await startTwoInstances({ appendOnly: true, env: { REDIS_KEY_PREFIX: 'redis-restarts' } });
    ({ stack, a, b } = instances);
    [alice, bob] = await Promise.all([tokenFor('alice', 'Alice'), tokenFor('bob', 'Bob')]);
  });
  after(() => instances?.stop());

  it(`${RESTARTS} kill -9 and restarts: no subscription ends, every acknowledged message arrives once, in order`, async (t) => {
    const room = await createRoom(a.url, alice, { name: 'survives restarts', memberIds: ['bob'] });
    const opener = await sendMessage(a.url, alice, { roomId: room.id, body: 'opener' });
    const sockets = [connectWs(a.wsUrl, bob), connectWs(b.wsUrl, bob)];
    t.after(() => Promise.all(sockets.map((socket) => socket.dispose())));
    const subscribers: { name: string; fromCursor: boolean; sub: LiveSubscription<Delivered> }[] = [];
    for (const [name, socket] of [['A', sockets[0]], ['B', sockets[1]]] as const) {
      assert.ok(socket);
      subscribers.push({ name: `${name} after`, fromCursor: true, sub: socket.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id, a: opener.cursor }) });
      subscribers.push({ name: `${name} live`, fromCursor: false, sub: socket.subscribe<Delivered>(MESSAGE_ADDED, { r: room.id }) });
    }

    const publisher = startPublisher([a, b], alice, room.id);
    t.after(() => publisher.stop());
    const lastSeq = (sub: LiveSubscription<Delivered>) => sub.items.at(-1)?.messageAdded.seq ?? 0;
    const state = () =>
      subscribers.map(({ name, sub }) => `${name}: ${sub.items.length} items, last ${lastSeq(sub)}, completed ${sub.completed()}, codes ${JSON.stringify(sub.errorCodes())}`).join('; ');
    const noneEnded = () => {
      for (const { name, sub } of subscribers) {
        assert.equal(sub.completed(), false, `${name} ended: ${state()}`);
        assert.deepEqual(sub.errorCodes(), [], `${name} got errors: ${state()}`);
      }
    };
    /** Waits until every subscriber has what was acknowledged by now. */
    const allCaughtUp = async (what: string) => {
      const target = publisher.lastAckedSeq();
      // A subscription that ended will never catch up: stop waiting and say so.
      await waitFor(() => subscribers.some(({ sub }) => sub.completed()) || subscribers.every(({ sub }) => lastSeq(sub) >= target), {
        timeoutMs: 20_000,
        intervalMs: 50,
        what: () => `${what}: every subscriber at seq ${target} (${state()})`,
      });
      noneEnded();
    };
    const sendsSucceed = async (count: number, what: string) => {
      const target = publisher.acked.length + count;
      await waitFor(() => publisher.acked.length >= target, { timeoutMs: 20_000, intervalMs: 20, what: `${what}: ${count} more acknowledged sends` });
    };

    await sendsSucceed(5, 'before the first crash');
    await allCaughtUp('before the first crash');

    for (let restart = 1; restart <= RESTARTS; restart++) {
      await stack.redis.kill9();
      const failuresBefore = publisher.failureCodes.length;
      await waitFor(async () => (await readyStatus(a)) === 503 && (await readyStatus(b)) === 503, { timeoutMs: 5_000, intervalMs: 50, what: `restart ${restart}: both instances unready` });
      await sleep(OUTAGE_MS);
      assert.ok(publisher.failureCodes.length > failuresBefore, `restart ${restart}: sends were refused during the outage`);
      noneEnded();

      await stack.redis.restart();
      await waitFor(async () => (await readyStatus(a)) === 200 && (await readyStatus(b)) === 200, { timeoutMs: 15_000, intervalMs: 50, what: `restart ${restart}: both instances ready again` });
      await sendsSucceed(10, `after restart ${restart}`);
      await allCaughtUp(`after restart ${restart}`);
    }

    await publisher.stop();
    // The last send may have been stored and answered after the wait above: every subscriber must have it.
    await allCaughtUp('after the publisher stopped');
    noneEnded();

    const ackedSeqs = publisher.acked.map((message) => message.seq);
    assert.deepEqual(ackedSeqs, [...ackedSeqs].sort((x, y) => x - y), 'acknowledged in seq order');
    const ackedIds = new Map(publisher.acked.map((message) => [message.seq, message.id]));
    const lastAcked = publisher.lastAckedSeq();
    for (const { name, fromCursor, sub } of subscribers) {
      const seqs = sub.items.map((item) => item.messageAdded.seq);
      const first = fromCursor ? opener.seq + 1 : (seqs[0] ?? 0);
      // Every stored message from the first on, each once, in order: the acknowledged ones, and at most a
      // last send that was stored but whose answer was lost (sends are retried by clientId, so no other).
      assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => first + i), `${name}: consecutive seqs, each once`);
      assert.ok(seqs.length > 0 && lastSeq(sub) >= lastAcked && lastSeq(sub) <= lastAcked + 1, `${name}: ends at the last acknowledged seq ${lastAcked}`);
      for (const item of sub.items) {
        const id = ackedIds.get(item.messageAdded.seq);
        if (id !== undefined) assert.equal(item.messageAdded.id, id, `${name}: seq ${item.messageAdded.seq} is the acknowledged message`);
      }
      const missing = ackedSeqs.filter((seq) => seq >= first && !seqs.includes(seq));
      assert.deepEqual(missing, [], `${name}: every acknowledged message arrived`);
    }
  });
});
