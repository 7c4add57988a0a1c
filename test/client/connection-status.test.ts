// The connection status an app renders: connecting, connected, reconnecting (with backoff while the
// server cannot be reached), connected again, disconnected on close or on a refused token.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { createRoomcastClient, type ConnectionStatus } from '../../client/index.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { useProxiedServer } from './helpers/proxied-server.js';

const record = (status: { subscribe(listener: (value: ConnectionStatus) => void): () => void }) => {
  const seen: ConnectionStatus[] = [];
  status.subscribe((value) => seen.push(value));
  return seen;
};

describe('connection status', () => {
  const running = useProxiedServer();

  it('goes connecting → connected → reconnecting → connected → disconnected', async (t) => {
    const client = await clientFor(t, running.proxy().url, 'alice');
    const seen = record(client.status);
    await waitFor(() => client.status.get() === 'connected', { what: 'connected' });
    running.proxy().cut();
    await waitFor(() => seen.includes('reconnecting') && client.status.get() === 'connected', { timeoutMs: 10_000, what: 'reconnected' });
    await client.close();
    assert.deepEqual(seen, ['connecting', 'connected', 'reconnecting', 'connected', 'disconnected']);
    assert.equal(client.failure.get(), null, 'closing on purpose is not a failure');
  });

  it('keeps retrying with backoff while the server is unreachable, then reconnects', async (t) => {
    const client = await clientFor(t, running.proxy().url, 'bob', { backoff: { baseMs: 20, maxMs: 80 } });
    await waitFor(() => client.status.get() === 'connected', { what: 'connected' });
    running.proxy().refuse(true);
    running.proxy().cut();
    const before = running.proxy().accepted();
    await waitFor(() => running.proxy().accepted() >= before + 5, { timeoutMs: 10_000, what: 'five refused reconnect attempts' });
    assert.equal(client.status.get(), 'reconnecting');
    running.proxy().refuse(false);
    await waitFor(() => client.status.get() === 'connected', { timeoutMs: 10_000, what: 'connected once the server is reachable' });
    assert.equal(client.failure.get(), null);
  });

  it('ends a socket whose pings go unanswered and reconnects', async (t) => {
    const client = await clientFor(t, running.proxy().url, 'dave', { keepAliveMs: 200, pongTimeoutMs: 300 });
    const seen = record(client.status);
    await waitFor(() => client.status.get() === 'connected', { what: 'connected' });
    // No close, no reset: only the unanswered ping can reveal that this socket is dead.
    assert.ok(running.proxy().stall() >= 1);
    await waitFor(() => seen.includes('reconnecting') && client.status.get() === 'connected', { timeoutMs: 10_000, what: 'a new socket after the silent one' });
  });

  it('gives up at once on a refused token: disconnected with UNAUTHENTICATED', async (t) => {
    const client = createRoomcastClient({
      url: running.proxy().url,
      token: await tokenFor('carol', 'Carol', -60),
      webSocketImpl: WebSocket,
      backoff: { baseMs: 20, maxMs: 80 },
    });
    t.after(() => client.close());
    await waitFor(() => client.status.get() === 'disconnected', { timeoutMs: 10_000, what: 'disconnected' });
    assert.equal(client.failure.get()?.code, 'UNAUTHENTICATED');
    assert.equal(client.failure.get()?.closeCode, 4403);
  });
});
