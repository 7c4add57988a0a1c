// GraphiQL in a real browser: GET /graphql loads it from this server alone (no CDN), and with a token in
// its Headers tab it runs a query against the server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { launchChromium, type RunningChromium } from './helpers/chromium.js';

const WAIT_MS = 20_000;

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

  it('loads from the server alone and runs a query with a bearer token', async (t) => {
    const context = await chromium.browser.newContext({ viewport: { width: 1200, height: 800 } });
    t.after(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    const requested: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requested.push(request.url()));

    const response = await page.goto(server.url);
    assert.equal(response?.status(), 200);
    assert.match(response?.headers()['content-type'] ?? '', /^text\/html/);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ timeout: WAIT_MS });

    await page.getByRole('button', { name: 'Headers' }).click();
    await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor').click();
    await page.keyboard.press('Control+A');
    // insertText types no keys, so the editor's bracket and quote auto-closing cannot mangle the JSON.
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${await tokenFor('alice', 'Alice')}` }));
    await run.click();

    let shown = '';
    await waitFor(async () => (shown = await page.locator('.graphiql-response').innerText()).includes('"serverTime"'), {
      timeoutMs: WAIT_MS,
      what: () => `the query's result (shows: ${shown})`,
    });
    // The result editor renders spaces as no-break spaces.
    assert.match(shown.replace(/\u00a0/g, ' '), /"viewer": \{\s*"id": "alice",\s*"name": "Alice"\s*\}/);
    const elsewhere = requested.filter((url) => !url.startsWith(`http://127.0.0.1:${server.port}/`) && !/^(data|blob):/.test(url));
    assert.deepEqual(elsewhere, [], 'every asset came from this server');
    assert.deepEqual(errors, []);
  });
});
