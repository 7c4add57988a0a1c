// GraphiQL in a real browser: GET /graphql loads it from this server alone (no CDN); with a token typed
// into its Headers tab it runs queries and subscriptions (over SSE, which carries the Headers tab), and its
// Docs show the schema without a re-fetch. In development its Headers tab comes with a token.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { gqlData } from '../helpers/graphql-http.js';
import { sendMessage } from '../helpers/operations.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { launchChromium, type RunningChromium } from './helpers/chromium.js';
import { openDocs, openGraphiql, run, typeHeaders, typeQuery, waitForResult, headersText } from './helpers/graphiql.js';

describe('GraphiQL', () => {
  let server: ServerProcess;
  let chromium: RunningChromium;
  before(async () => {
    server = await startServer();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  const newPage = async (t: TestContext) => {
    const context = await chromium.browser.newContext({ viewport: { width: 1200, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    const requested: { url: string; headers: Record<string, string> }[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requested.push({ url: request.url(), headers: request.headers() }));
    return { page, errors, requested };
  };

  it('loads from the server alone and runs a query with a bearer token', async (t) => {
    const { page, errors, requested } = await newPage(t);
    const response = await openGraphiql(page, server.url);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-type'] ?? '', /^text\/html/);

    await typeHeaders(page, { Authorization: `Bearer ${await tokenFor('alice', 'Alice')}` });
    await run(page);
    const shown = await waitForResult(page, '"serverTime"');
    assert.match(shown, /"viewer": \{\s*"id": "alice",\s*"name": "Alice"\s*\}/);
    const elsewhere = requested.filter(({ url }) => !url.startsWith(`http://127.0.0.1:${server.port}/`) && !/^(data|blob):/.test(url));
    assert.deepEqual(elsewhere, [], 'every asset came from this server');
    assert.deepEqual(errors, []);
  });

  it('shows the schema in Docs without a token or a re-fetch, and runs a subscription with the Headers tab’s token', async (t) => {
    const { page, errors, requested } = await newPage(t);
    const token = await tokenFor('grace', 'Grace');
    const room = (
      await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, {
        token,
        query: 'mutation { createRoom(input: { name: "graphiql" }) { id headCursor } }',
      })
    ).createRoom;
    await openGraphiql(page, server.url);

    // Before any token: the schema is in the page, so Docs neither fails nor needs the re-fetch button.
    const docs = await openDocs(page);
    assert.match(docs, /subscription:\s*Subscription/);
    assert.doesNotMatch(docs, /Error fetching schema/);

    await typeHeaders(page, { Authorization: `Bearer ${token}` });
    // From the room's head: what is sent once the subscription is open can never be missed, however late it opens.
    await typeQuery(page, `subscription { messageAdded(roomId: "${room.id}", after: "${room.headCursor}") { seq body author { name } } }`);
    await run(page);
    // GraphiQL shows the latest event of a subscription: each message in turn.
    await sendMessage(server.url, token, { roomId: room.id, body: 'first over HTTP' });
    await waitForResult(page, '"first over HTTP"');
    await sendMessage(server.url, token, { roomId: room.id, body: 'second over HTTP' });
    const shown = await waitForResult(page, '"second over HTTP"');
    assert.match(shown, /"seq": 2/);

    const streams = requested.filter(({ headers }) => headers['accept']?.includes('text/event-stream'));
    assert.ok(streams.length > 0, 'the subscription ran over SSE');
    assert.ok(streams.every(({ headers }) => headers['authorization'] === `Bearer ${token}`), 'with the Headers tab’s token');
    assert.ok(!requested.some(({ url }) => url.startsWith('ws:')), 'no WebSocket');
    assert.deepEqual(errors, []);
  });
});

describe('GraphiQL in development', () => {
  let server: ServerProcess;
  let chromium: RunningChromium;
  before(async () => {
    server = await startServer({ env: { NODE_ENV: 'development' } });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await server?.stop();
  });

  it('opens with a fresh token in the Headers tab, so the first query just works', async (t) => {
    const context = await chromium.browser.newContext({ viewport: { width: 1200, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    await openGraphiql(page, server.url);
    assert.match(await headersText(page), /Bearer\s+ey/);
    await run(page);
    const shown = await waitForResult(page, '"serverTime"');
    assert.match(shown, /"viewer": \{\s*"id": "explorer",\s*"name": "Explorer"\s*\}/);
  });
});
