// The typed client across a Redis outage: a room stream the server ends with ENGINE_UNAVAILABLE is
// resubscribed from its last cursor (with backoff) rather than left dead, so once Redis is back the room
// sees every message exactly once, in order. The outage is met where it is certain to end the stream:
// the socket drops while Redis is down, and the resubscription on the new socket cannot read the room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message } from '../../client/index.js';
import { createRoom, range, sendMessage } from '../helpers/operations.js';
import { startSharedStack, type SharedStack } from '../helpers/shared-stack.js';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { recordingWebSocket } from './helpers/recording-websocket.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

const readyStatus = async (server: ServerProcess): Promise<number | undefined> => {
  try {
    return (await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return undefined;
  }
};

describe('typed client: engine outage', () => {
  let stack: SharedStack;
  let server: ServerProcess;
  let proxy: TcpProxy;

  before(async () => {
    stack = await startSharedStack({ appendOnly: true });
    server = await startServer({ env: { ...stack.env, REDIS_KEY_PREFIX: 'client-outage' } });
    proxy = await startTcpProxy(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
    await stack?.stop();
  });

  it('resubscribes the room from its last cursor after ENGINE_UNAVAILABLE: nothing lost or repeated', async (t) => {
    const alice = await tokenFor('alice', 'Alice');
    const socket = recordingWebSocket();
    const bob = await clientFor(t, proxy.url, 'bob', { webSocketImpl: socket.WebSocket });
    const room = await createRoom(server.url, alice, { name: 'outage', memberIds: ['bob'] });
    await sendMessage(server.url, alice, { roomId: room.id, body: 'opener' });
    const bobRoom = await bob.openRoom(room.id);
    t.after(() => bobRoom.close());
    const seen: Message[] = [];
    bobRoom.onMessage((message) => seen.push(message));
    const roomEventSubscribes = () => socket.frames.filter((frame) => frame.type === 'subscribe' && frame.payload?.query?.includes('roomEvents'));

    for (let i = 0; i < 3; i++) await sendMessage(server.url, alice, { roomId: room.id, body: `before ${i}` });
    await waitFor(() => seen.length >= 3, { what: () => `bob sees 3 messages (has ${seen.length})` });
    const cursorBeforeOutage = bobRoom.cursor();
    assert.equal(seen.at(-1)?.cursor, cursorBeforeOutage);

    await stack.redis.kill9();
    await waitFor(async () => (await readyStatus(server)) === 503, { timeoutMs: 5_000, intervalMs: 50, what: 'the server unready while Redis is down' });
    const subscribesBeforeCut = roomEventSubscribes().length;
    proxy.cut();
    // On the new socket the room cannot be read: the stream ends with ENGINE_UNAVAILABLE, and the client
    // must try again (twice at least) instead of giving the room up.
    await waitFor(() => bobRoom.error.get() !== null || roomEventSubscribes().length >= subscribesBeforeCut + 3, {
      timeoutMs: 10_000,
      what: () => `bob's room to resubscribe during the outage (${roomEventSubscribes().length - subscribesBeforeCut} subscribes since the cut)`,
    });
    assert.equal(bobRoom.error.get(), null, `the room stream was given up: ${bobRoom.error.get()?.code}`);

    await stack.redis.restart();
    await waitFor(async () => (await readyStatus(server)) === 200, { timeoutMs: 15_000, intervalMs: 50, what: 'the server ready once Redis is back' });
    for (let i = 0; i < 3; i++) await sendMessage(server.url, alice, { roomId: room.id, body: `after ${i}` });
    await waitFor(() => seen.length >= 6, { timeoutMs: 10_000, what: () => `bob sees 6 messages (has ${seen.map((message) => message.seq).join(',')})` });
    const sentinel = await sendMessage(server.url, alice, { roomId: room.id, body: 'sentinel' });
    await waitFor(() => seen.length >= 7, { timeoutMs: 10_000, what: 'the sentinel' });

    assert.deepEqual(
      seen.map((message) => message.seq),
      range(2, sentinel.seq),
      'every message after the opening history once, in order',
    );
    const resubscribes = roomEventSubscribes().slice(subscribesBeforeCut);
    assert.ok(resubscribes.length >= 3);
    assert.ok(
      resubscribes.every((frame) => frame.payload?.variables?.['after'] === cursorBeforeOutage),
      `each resubscription asked for what followed the last delivered message: ${JSON.stringify(resubscribes.map((frame) => frame.payload?.variables))}`,
    );
    assert.equal(bobRoom.error.get(), null);
  });
});
