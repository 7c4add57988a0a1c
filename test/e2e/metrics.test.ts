// Operations view of a real server process on Redis: after real traffic (graphql-ws and SSE subscribers,
// messages, a rate-limited burst, a timer, a Redis outage) `/metrics` shows each Roomcast metric with the
// values that traffic implies, and the JSON logs name the request, user and operation without ever
// carrying a token or a message body.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { sample } from '../helpers/metrics.js';
import { createRoom, sendMessage } from '../helpers/operations.js';
import { startSharedStack, type SharedStack } from '../helpers/shared-stack.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

const MESSAGE_ADDED = 'subscription($r: ID!) { messageAdded(roomId: $r) { seq body } }';
const TIMER_TICKED = 'subscription($id: ID!) { timerTicked(timerId: $id) { remainingMs timer { status } } }';
const MESSAGES = 10;
const BURST = 30;
const BUDGET = 20;

describe('metrics and logs', () => {
  let stack: SharedStack;
  let server: ServerProcess;
  let alice: string;
  let bob: string;
  let carol: string;
  let mallory: string;
  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const valueOf = async (name: string, labels?: Record<string, string>) => sample(await scrape(), name, labels);

  before(async () => {
    stack = await startSharedStack();
    server = await startServer({ env: { ...stack.env, REDIS_KEY_PREFIX: 'metrics', RATE_LIMIT_MESSAGES: `${BUDGET}/60` } });
    [alice, bob, carol, mallory] = await Promise.all([tokenFor('alice'), tokenFor('bob'), tokenFor('carol'), tokenFor('mallory')]);
  });
  after(async () => {
    await server?.stop();
    await stack?.stop();
  });

  it('exposes connections, subscriptions, deliveries, latency, refusals, operations, timers and engine errors with the values the traffic implies', async (t) => {
    const initial = await scrape();
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes']) {
      assert.notEqual(sample(initial, name), undefined, `default metric ${name}`);
    }
    assert.equal(sample(initial, 'roomcast_connections_open', { transport: 'ws' }), 0);
    assert.equal(sample(initial, 'roomcast_subscriptions_active', { field: 'timerTicked' }), 0, 'every Subscription field is exported from the start');
    assert.equal(sample(initial, 'roomcast_engine_errors_total'), 0);

    const room = await createRoom(server.url, alice, { name: 'measured' });
    const bobWs = connectWs(server.wsUrl, bob);
    const carolWs = connectWs(server.wsUrl, carol);
    t.after(() => Promise.all([bobWs.dispose(), carolWs.dispose()]));
    const subscribers = [bobWs.subscribe(MESSAGE_ADDED, { r: room.id }), carolWs.subscribe(MESSAGE_ADDED, { r: room.id })];
    const overSse = subscribeSse(server.url, alice, { query: MESSAGE_ADDED, variables: { r: room.id } });
    t.after(() => overSse.dispose());
    await waitFor(async () => (await valueOf('roomcast_subscriptions_active', { field: 'messageAdded' })) === 3, { what: 'three messageAdded subscriptions' });
    const open = await scrape();
    assert.equal(sample(open, 'roomcast_connections_open', { transport: 'ws' }), 2);
    assert.equal(sample(open, 'roomcast_connections_open', { transport: 'sse' }), 1);

    for (let i = 0; i < MESSAGES; i++) await sendMessage(server.url, alice, { roomId: room.id, body: `measured ${i}` });
    await Promise.all([...subscribers.map((sub) => sub.waitForCount(MESSAGES)), overSse.waitForCount(MESSAGES)]);

    // A burst from one user: the budget admits BUDGET, the rest are refused.
    const otherRoom = await createRoom(server.url, mallory, { name: 'flooded' });
    const burst = await Promise.all(
      Array.from({ length: BURST }, (_, i) =>
        gql(server.url, { token: mallory, query: 'mutation($i: SendMessageInput!) { sendMessage(input: $i) { seq } }', variables: { i: { roomId: otherRoom.id, body: `flood ${i}` } } }),
      ),
    );
    const refused = burst.filter((answer) => answer.body.errors?.[0]?.extensions?.code === 'RATE_LIMITED').length;
    assert.equal(refused, BURST - BUDGET);

    // A short timer, watched to its end.
    const { startTimer } = await gqlData<{ startTimer: { id: string } }>(server.url, {
      token: alice,
      query: 'mutation($i: StartTimerInput!) { startTimer(input: $i) { id } }',
      variables: { i: { roomId: room.id, durationMs: 1_000, tickMs: 250 } },
    });
    assert.equal(await valueOf('roomcast_timers_running'), 1);
    const ticks = bobWs.subscribe<{ timerTicked: { timer: { status: string } } }>(TIMER_TICKED, { id: startTimer.id });
    await ticks.waitForComplete(5_000);
    assert.equal(ticks.items.at(-1)?.timerTicked.timer.status, 'FINISHED');

    const busy = await scrape();
    const delivered = { ws: sample(busy, 'roomcast_deliveries_total', { transport: 'ws' }) ?? 0, sse: sample(busy, 'roomcast_deliveries_total', { transport: 'sse' }) ?? 0 };
    assert.ok(delivered.ws >= MESSAGES * 2 + ticks.items.length, `ws deliveries ${delivered.ws}: at least messages × subscribers plus the timer's`);
    assert.ok(delivered.sse >= MESSAGES, `sse deliveries ${delivered.sse}`);
    // Observed once per message per instance, not per subscriber: exactly the ten messages of the watched room.
    assert.equal(sample(busy, 'roomcast_delivery_latency_seconds_count'), MESSAGES);
    assert.ok((sample(busy, 'roomcast_delivery_latency_seconds_bucket', { le: '+Inf' }) ?? 0) === MESSAGES);
    assert.equal(sample(busy, 'roomcast_rate_limited_total', { class: 'messages' }), refused);
    assert.equal(sample(busy, 'roomcast_operations_total', { type: 'mutation', outcome: 'RATE_LIMITED' }), refused);
    assert.ok((sample(busy, 'roomcast_operations_total', { type: 'mutation', outcome: 'ok' }) ?? 0) >= MESSAGES + BUDGET + 3);
    assert.equal(sample(busy, 'roomcast_timers_running'), 0, 'the timer finished');
    assert.ok((sample(busy, 'roomcast_timer_lateness_seconds_count') ?? 0) >= 4, 'three ticks and the finish were emitted here');
    t.diagnostic(`deliveries ws ${delivered.ws}, sse ${delivered.sse}; latency sum ${sample(busy, 'roomcast_delivery_latency_seconds_sum')} s over ${MESSAGES}`);

    await Promise.all([bobWs.dispose(), carolWs.dispose()]);
    overSse.dispose();
    await waitFor(
      async () => {
        const text = await scrape();
        return (
          sample(text, 'roomcast_connections_open', { transport: 'ws' }) === 0 &&
          sample(text, 'roomcast_connections_open', { transport: 'sse' }) === 0 &&
          sample(text, 'roomcast_subscriptions_active', { field: 'messageAdded' }) === 0 &&
          sample(text, 'roomcast_subscriptions_active', { field: 'timerTicked' }) === 0
        );
      },
      { what: 'connections and subscriptions back to 0 after the clients left' },
    );
  });

  it('logs each request with its id, user and operation, and never a token or a message body', async () => {
    const secretBody = `secret body ${randomUUID()}`;
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice}`, 'x-request-id': 'trace-42.abc' },
      body: JSON.stringify({
        query: 'mutation SendSecret($i: SendMessageInput!) { sendMessage(input: $i) { seq } }',
        variables: { i: { roomId: (await createRoom(server.url, alice, { name: 'logged' })).id, body: secretBody } },
      }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-request-id'), 'trace-42.abc', 'a sane incoming id is echoed');
    const insane = await fetch(`http://127.0.0.1:${server.port}/healthz`, { headers: { 'x-request-id': `${'x'.repeat(200)}` } });
    const replaced = insane.headers.get('x-request-id') ?? '';
    assert.ok(replaced.length > 0 && replaced.length < 200, 'an id that is not sane is replaced by our own');

    // Over graphql-ws too: a mutation, then the socket closes.
    const ws = connectWs(server.wsUrl, bob);
    await new Promise<void>((resolve, reject) => {
      ws.client.subscribe({ query: 'mutation Join($r: ID!) { joinRoom(roomId: $r) { id } }', variables: { r: 'room_does_not_exist' } }, {
        next: () => undefined,
        error: reject,
        complete: resolve,
      });
    });
    await ws.dispose();

    const lines = await waitFor(
      () => {
        const parsed = server.output().flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
        const operation = parsed.find((line) => line['msg'] === 'operation' && line['operationName'] === 'Join');
        return parsed.some((line) => line['msg'] === 'ws closed' && line['connectionId'] === operation?.['connectionId']) ? parsed : undefined;
      },
      { what: 'the ws close to be logged' },
    );
    const request = lines.find((line) => line['msg'] === 'request' && line['requestId'] === 'trace-42.abc');
    assert.ok(request, 'a request line under the incoming id');
    assert.equal(request['level'], 30, 'at info');
    assert.deepEqual(
      { userId: request['userId'], operationName: request['operationName'], operationType: request['operationType'], status: request['status'], outcome: request['outcome'] },
      { userId: 'alice', operationName: 'SendSecret', operationType: 'mutation', status: 200, outcome: 'ok' },
    );
    assert.equal(typeof request['durationMs'], 'number');
    const overWs = lines.find((line) => line['msg'] === 'operation' && line['operationName'] === 'Join');
    assert.ok(overWs, 'a graphql-ws operation line');
    assert.equal(overWs['userId'], 'bob');
    assert.equal(overWs['outcome'], 'NOT_FOUND');
    assert.match(String(overWs['connectionId']), /^ws_/);
    const closed = lines.find((line) => line['msg'] === 'ws closed' && line['connectionId'] === overWs['connectionId']);
    assert.equal(closed?.['userId'], 'bob');
    assert.equal(closed?.['code'], 1000, 'the client closed normally');

    const everything = server.output().join('\n');
    for (const token of [alice, bob, carol, mallory]) assert.ok(!everything.includes(token), 'no token in any log line');
    assert.ok(!everything.includes(secretBody), 'no message body in any log line');
    assert.ok(!everything.includes('measured 3'), 'no message body of the earlier traffic either');
  });

  it('counts engine errors and answers /readyz 503 while Redis is down', async () => {
    await stack.redis.stop();
    await waitFor(async () => ((await valueOf('roomcast_engine_errors_total')) ?? 0) > 0, { what: 'engine errors to be counted' });
    const readyz = await fetch(`http://127.0.0.1:${server.port}/readyz`);
    assert.equal(readyz.status, 503);
    await stack.redis.restart();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${server.port}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'ready again' });
  });

  it('METRICS_ENABLED=false: no /metrics', async (t) => {
    const quiet = await startServer({ env: { METRICS_ENABLED: 'false' } });
    t.after(() => quiet.stop());
    assert.equal((await fetch(`http://127.0.0.1:${quiet.port}/metrics`)).status, 404);
    assert.equal((await fetch(`http://127.0.0.1:${quiet.port}/healthz`)).status, 200);
  });
});
