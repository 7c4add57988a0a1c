// Per-user write limits against real server processes: a burst of 60 `sendMessage` at once is cut at the
// user's budget, each refusal RATE_LIMITED with retryAfterMs > 0, history holds exactly the accepted
// messages, subscribers get exactly those, and the server keeps answering. On Redis the budget holds across
// two instances (the burst split over both accepts one budget, not two), and so does the budget of
// WebSocket upgrades per IP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql } from '../helpers/graphql-http.js';
import { createRoom, historySeqs, range, sendMessage, sendUntilDelivered } from '../helpers/operations.js';
import { startTwoInstances, type TwoInstances } from '../helpers/shared-stack.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { tryUpgrade } from '../helpers/upgrade.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

// The default budget's points (30), over a window long enough that nothing refills during a test, so the
// accepted count is exact.
const BUDGET = 30;
const LIMITS = { RATE_LIMIT_MESSAGES: `${BUDGET}/600` };
const BURST = 60;

const SEND = 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq body } }';
const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r) { seq body author { id } } }';

interface Outcome {
  accepted: { seq: number; body: string }[];
  refusals: { code: unknown; retryAfterMs: unknown; limit: unknown }[];
  other: unknown[];
}

/** Sends `count` messages at once, the i-th through `urls[i % urls.length]`, and sorts the answers. */
const burst = async (urls: string[], token: string, roomId: string, count: number): Promise<Outcome> => {
  const answers = await Promise.all(
    range(0, count - 1).map((i) =>
      gql<{ sendMessage: { seq: number; body: string } }>(urls[i % urls.length] ?? '', {
        token,
        query: SEND,
        variables: { i: { roomId, body: `burst ${i}` } },
      }),
    ),
  );
  const outcome: Outcome = { accepted: [], refusals: [], other: [] };
  for (const { body } of answers) {
    const error = body.errors?.[0];
    if (body.data?.sendMessage && !error) outcome.accepted.push(body.data.sendMessage);
    else if (error?.extensions?.code === 'RATE_LIMITED') {
      outcome.refusals.push({ code: error.extensions.code, retryAfterMs: error.extensions['retryAfterMs'], limit: error.extensions['limit'] });
    } else outcome.other.push(body);
  }
  return outcome;
};

const assertBurst = (outcome: Outcome) => {
  assert.deepEqual(outcome.other, [], 'every answer is a message or RATE_LIMITED');
  assert.equal(outcome.accepted.length, BUDGET, 'exactly one budget is accepted');
  assert.equal(outcome.refusals.length, BURST - BUDGET);
  for (const refusal of outcome.refusals) {
    assert.equal(refusal.limit, 'messages');
    assert.ok(typeof refusal.retryAfterMs === 'number' && refusal.retryAfterMs > 0 && refusal.retryAfterMs <= 600_000, `retryAfterMs ${String(refusal.retryAfterMs)}`);
  }
};

describe('write rate limits, memory engine', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({ env: LIMITS });
  });
  after(() => server?.stop());

  it('cuts a burst of 60 sendMessage at the budget; history and subscribers hold exactly the accepted ones', async (t) => {
    const alice = await tokenFor('alice');
    const bob = await tokenFor('bob');
    const room = await createRoom(server.url, alice, { name: 'burst' });
    const ws = connectWs(server.wsUrl, bob);
    t.after(() => ws.dispose());
    const sub = ws.subscribe<{ messageAdded: { seq: number; body: string; author: { id: string } } }>(MESSAGE_ADDED, { r: room.id });
    // Bob's own budget is untouched by alice's burst: his messages show the subscription is live, and
    // after the burst one of them is the sentinel that proves nothing else was published.
    await sendUntilDelivered(server.url, bob, room.id, () => sub.items.length > 0, { body: 'warm-up', what: 'the subscription to be live' });
    const warmUps = (await historySeqs(server.url, alice, room.id)).length;

    const outcome = await burst([server.url], alice, room.id, BURST);
    assertBurst(outcome);

    const history = await historySeqs(server.url, alice, room.id);
    assert.deepEqual(history, range(1, warmUps + BUDGET), 'history holds the accepted messages, no gap, nothing refused');
    assert.deepEqual(outcome.accepted.map((m) => m.seq).sort((x, y) => x - y), range(warmUps + 1, warmUps + BUDGET));

    const sentinel = await sendMessage(server.url, bob, { roomId: room.id, body: 'sentinel' });
    assert.equal(sentinel.seq, warmUps + BUDGET + 1);
    await waitFor(() => sub.items.some((item) => item.messageAdded.body === 'sentinel'), { what: 'the sentinel' });
    const delivered = sub.items.map((item) => item.messageAdded).filter((m) => m.author.id === 'alice');
    assert.deepEqual(delivered.map((m) => m.body).sort(), outcome.accepted.map((m) => m.body).sort(), 'subscribers got exactly the accepted messages');

    // Still answering, and alice is refused again (her window has not passed), with the time to wait.
    const { body } = await gql(server.url, { query: '{ viewer { id } }', token: alice });
    assert.deepEqual(body.data, { viewer: { id: 'alice' } });
    const again = await gql(server.url, { query: SEND, token: alice, variables: { i: { roomId: room.id, body: 'again' } } });
    assert.equal(again.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED');
    assert.equal((await fetch(server.url.replace('/graphql', '/healthz'))).status, 200);
  });
});

describe('rate limits across two instances on Redis', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let instances: TwoInstances | undefined;

  before(async () => {
    instances = await startTwoInstances({ env: { ...LIMITS, REDIS_KEY_PREFIX: 'rate-limits', RATE_LIMIT_CONNECTIONS: '4/600' } });
    ({ a, b } = instances);
  });
  after(() => instances?.stop());

  it('accepts one budget of a burst split over both instances', async (t) => {
    const alice = await tokenFor('alice');
    const bob = await tokenFor('bob');
    const room = await createRoom(a.url, alice, { name: 'burst on two' });
    // An SSE subscriber, so that the only WebSocket upgrades are the next test's, counted against one budget.
    const sub = subscribeSse<{ messageAdded: { seq: number; body: string; author: { id: string } } }>(b.url, bob, {
      query: MESSAGE_ADDED,
      variables: { r: room.id },
    });
    t.after(() => sub.dispose());
    await sendUntilDelivered(a.url, bob, room.id, () => sub.items.length > 0, { body: 'warm-up', what: 'the subscription on B to be live' });
    const warmUps = (await historySeqs(a.url, alice, room.id)).length;

    const outcome = await burst([a.url, b.url], alice, room.id, BURST);
    // 30 requests went to each instance: counted per instance, every one of them would be accepted.
    assertBurst(outcome);

    for (const server of [a, b]) {
      assert.deepEqual(await historySeqs(server.url, alice, room.id), range(1, warmUps + BUDGET), `history through ${server.url}`);
    }
    await sendMessage(b.url, bob, { roomId: room.id, body: 'sentinel' });
    await waitFor(() => sub.items.some((item) => item.messageAdded.body === 'sentinel'), { what: 'the sentinel' });
    const delivered = sub.items.map((item) => item.messageAdded).filter((m) => m.author.id === 'alice');
    assert.deepEqual(delivered.map((m) => m.body).sort(), outcome.accepted.map((m) => m.body).sort());

    for (const server of [a, b]) {
      const { body } = await gql(server.url, { query: '{ viewer { id } }', token: alice });
      assert.deepEqual(body.data, { viewer: { id: 'alice' } }, `${server.url} still answers`);
      const again = await gql(server.url, { query: SEND, token: alice, variables: { i: { roomId: room.id, body: 'again' } } });
      assert.equal(again.body.errors?.[0]?.extensions?.code, 'RATE_LIMITED', `${server.url} still refuses alice`);
    }
  });

  it('counts WebSocket upgrades per IP across both instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await tryUpgrade((i % 2 === 0 ? a : b).wsUrl)).status);
    assert.deepEqual(statuses, [101, 101, 101, 101, 429, 429]);
  });
});
