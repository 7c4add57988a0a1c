// A browser's own EventSource against the SSE endpoint, through a TCP proxy that cuts every connection
// mid-stream: the token rides in `access_token` (an EventSource cannot send headers), the browser
// reconnects by itself with Last-Event-ID, and every message arrives once, in order. The server's log
// never shows the token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { sendMessage, type SentMessage } from '../helpers/operations.js';
import { startCuttingProxy, type CuttingProxy } from '../helpers/cutting-proxy.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { launchChromium, type RunningChromium } from './helpers/chromium.js';

const MESSAGES = 8;
// Response headers and two or three events: every connection is cut after a few events, mostly inside one.
const CUT_AFTER_BYTES = 900;
// Chromium waits about 3 s before reconnecting an EventSource; a few reconnects fit well within this.
const DELIVERY_TIMEOUT_MS = 60_000;

interface Received {
  lastEventId: string;
  body: string;
}

describe('native EventSource', () => {
  let server: ServerProcess;
  let proxy: CuttingProxy;
  let chromium: RunningChromium;
  before(async () => {
    server = await startServer({ env: { LOG_LEVEL: 'debug' } });
    proxy = await startCuttingProxy({ upstreamPort: server.port, cutAfterBytes: CUT_AFTER_BYTES });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('authenticates with access_token, reconnects through cuts with Last-Event-ID, and holds every message once, in order', async (t) => {
    const token = await tokenFor('eve', 'Eve');
    const room = (
      await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, { token, query: 'mutation { createRoom(input: { name: "event-source" }) { id headCursor } }' })
    ).createRoom;
    const origin = `http://127.0.0.1:${proxy.port}`;
    const url = new URL('/graphql', origin);
    url.searchParams.set('query', 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { body } }');
    // From the head: the URL every reconnect repeats. Last-Event-ID must win over it, or each reconnect
    // would replay the room from its start.
    url.searchParams.set('variables', JSON.stringify({ r: room.id, a: room.headCursor }));
    url.searchParams.set('access_token', token);

    const context = await chromium.browser.newContext();
    t.after(() => context.close());
    const page = await context.newPage();
    await page.goto(`${origin}/healthz`);
    await page.evaluate((streamUrl) => {
      const state = { received: [] as { lastEventId: string; body: string }[], opens: 0, errors: 0 };
      Object.assign(window, { sse: state });
      const source = new EventSource(streamUrl);
      source.addEventListener('open', () => (state.opens += 1));
      source.addEventListener('error', () => (state.errors += 1));
      source.addEventListener('next', (event) => {
        const payload = JSON.parse((event as MessageEvent<string>).data) as { data: { messageAdded: { body: string } } };
        state.received.push({ lastEventId: (event as MessageEvent<string>).lastEventId, body: payload.data.messageAdded.body });
      });
    }, url.toString());
    const state = () => page.evaluate(() => (window as unknown as { sse: { received: Received[]; opens: number; errors: number } }).sse);
    await waitFor(async () => (await state()).opens >= 1, { timeoutMs: 10_000, what: 'the EventSource to open' });

    const sent: SentMessage[] = [];
    for (let i = 1; i <= MESSAGES / 2; i += 1) sent.push(await sendMessage(server.url, token, { roomId: room.id, body: `m${i}` }));
    // The rest while the browser is (or soon will be) reconnecting.
    await waitFor(async () => (await state()).errors >= 1, { timeoutMs: DELIVERY_TIMEOUT_MS, what: 'a first cut' });
    for (let i = MESSAGES / 2 + 1; i <= MESSAGES; i += 1) sent.push(await sendMessage(server.url, token, { roomId: room.id, body: `m${i}` }));

    let received: Received[] = [];
    await waitFor(async () => (received = (await state()).received).length >= MESSAGES, {
      timeoutMs: DELIVERY_TIMEOUT_MS,
      what: () => `${MESSAGES} messages (have ${received.map((r) => r.body).join(',')}; proxy: ${proxy.connections()} connections, ${proxy.cuts()} cuts)`,
    });
    // A sentinel after the last message: nothing may arrive between (no duplicate still on its way).
    sent.push(await sendMessage(server.url, token, { roomId: room.id, body: 'sentinel' }));
    await waitFor(async () => (received = (await state()).received).some((r) => r.body === 'sentinel'), { timeoutMs: DELIVERY_TIMEOUT_MS, what: 'the sentinel' });

    assert.deepEqual(
      received.map((r) => [r.body, r.lastEventId]),
      sent.map((message) => [message.body, message.cursor]),
      'every message once, in order, each with its cursor as id',
    );
    const { opens } = await state();
    assert.ok(proxy.cuts() >= 2 && opens >= 3, `the stream was cut and resumed several times (${proxy.cuts()} cuts, ${opens} opens)`);

    const lines = server.output();
    assert.ok(lines.some((line) => line.includes('"userId":"eve"') && line.includes('"path":"/graphql"')), 'the streams were logged');
    assert.deepEqual(lines.filter((line) => line.includes(token) || line.includes('access_token=')), [], 'no log line shows the token');
  });
});
