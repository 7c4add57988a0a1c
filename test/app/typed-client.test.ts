// The generated, typed urql client used as an application would: HTTP for writes, graphql-ws for reads.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { createRoomcastClient, RoomcastClientError, type Message } from '../../client/index.js';
import { startServer } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

describe('typed urql client', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('sends a message and receives it through a subscription', async (t) => {
    const alice = createRoomcastClient({ url: server.url, token: await tokenFor('alice', 'Alice'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const bob = createRoomcastClient({ url: server.url, token: await tokenFor('bob', 'Bob'), webSocketImpl: WebSocket, retryAttempts: 0 });
    t.after(() => alice.close());
    t.after(() => bob.close());

    assert.deepEqual((await alice.viewer()).viewer, { id: 'alice', name: 'Alice' });
    const room = await alice.createRoom({ name: 'typed' });
    await bob.joinRoom(room.id);

    // Subscribing after a known cursor makes delivery independent of when the server starts listening:
    // anything sent after the cursor is replayed or delivered live, exactly once.
    const opener = await alice.sendMessage({ roomId: room.id, body: 'opener' });
    const received: Message[] = [];
    const unsubscribe = bob.onMessage({ roomId: room.id, after: opener.cursor }, { next: (message) => received.push(message) });
    t.after(unsubscribe);

    const sent = await alice.sendMessage({ roomId: room.id, body: 'hello, typed world', clientId: 'typed-1' });
    await waitFor(() => received.length >= 1, { timeoutMs: 5_000, what: 'bob receives the message' });
    const got = received[0];
    assert.ok(got);
    assert.equal(got.id, sent.id);
    assert.equal(got.seq, opener.seq + 1);
    assert.equal(got.body, 'hello, typed world');
    assert.equal(got.clientId, 'typed-1');
    assert.deepEqual(got.author, { id: 'alice', name: 'Alice' });

    const history = await bob.messages({ roomId: room.id, last: 1 });
    assert.equal(history.edges[0]?.node.id, got.id);
  });

  it('surfaces the server error code', async (t) => {
    const client = createRoomcastClient({ url: server.url, token: await tokenFor('carol'), webSocketImpl: WebSocket, retryAttempts: 0 });
    t.after(() => client.close());
    await assert.rejects(
      client.sendMessage({ roomId: 'room_does_not_exist', body: 'x' }),
      (error: unknown) => error instanceof RoomcastClientError && error.code === 'NOT_FOUND',
    );
  });
});
