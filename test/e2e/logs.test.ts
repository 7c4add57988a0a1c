// Logging must never stall the server: a log reader that stops reading (a stuck shipper, a full pipe)
// leaves requests answered at full speed, and once it reads again every line arrives.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

const REQUESTS = 1_500; // ~300 bytes of log each: several times what a pipe holds (64 KiB)

describe('logs', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer();
  });
  after(() => server.stop());

  it('keeps answering while stdout is not read, then delivers every request line', async () => {
    const token = await tokenFor('logger');
    server.child.stdout?.pause();
    const startedAt = Date.now();
    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': `stall-${i}` },
        body: JSON.stringify({ query: '{ serverTime }' }),
        signal: AbortSignal.timeout(5_000),
      });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const elapsedMs = Date.now() - startedAt;
    assert.ok(elapsedMs < 30_000, `${REQUESTS} requests took ${elapsedMs} ms with stdout unread`);
    server.child.stdout?.resume();
    const stalledLines = () => server.output().filter((line) => line.includes('"requestId":"stall-')).length;
    await waitFor(() => stalledLines() === REQUESTS, { timeoutMs: 10_000, what: `all ${REQUESTS} request lines (have ${stalledLines()})` });
  });
});
