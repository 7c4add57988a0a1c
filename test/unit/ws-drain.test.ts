// SocketOperations (ws-drain.ts): a socket's queries and mutations end exactly when their `complete` goes
// out through the adapter's send, or at onComplete when none follows; shutdown waits on nothing else.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { MessageType, stringifyMessage } from 'graphql-ws';
import type { WebSocket } from 'ws';
import { createSocketOperations } from '../../src/transport/ws-drain.js';

/** The part of a ws socket SocketOperations reads: its state and its 'close' event. */
const fakeSocket = (): WebSocket & EventEmitter => Object.assign(new EventEmitter(), { OPEN: 1, readyState: 1 }) as unknown as WebSocket & EventEmitter;

const complete = (id: string): string => stringifyMessage({ id, type: MessageType.Complete });

/** Whether `promise` has settled by the time the microtasks queued now have run. */
const settledNow = async (promise: Promise<void>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

describe('SocketOperations (ws-drain.ts)', () => {
  it("a socket's operations settle when the complete of its last one is sent, not on other frames", async () => {
    const operations = createSocketOperations();
    const socket = fakeSocket();
    operations.begin(socket, 'a');
    operations.begin(socket, 'b');
    const settled = operations.settled(socket);
    operations.sent(socket, stringifyMessage({ id: 'a', type: MessageType.Next, payload: { data: { type: 'complete' } } }));
    operations.sent(socket, complete('other'));
    operations.sent(socket, complete('a'));
    assert.equal(await settledNow(settled), false, 'b is still running');
    operations.sent(socket, complete('b'));
    assert.equal(await settledNow(settled), true);
  });

  it('an operation the client completed (no complete follows) ends at onComplete', async () => {
    const operations = createSocketOperations();
    const socket = fakeSocket();
    operations.begin(socket, 'q');
    const settled = operations.settled(socket);
    assert.equal(await settledNow(settled), false);
    operations.end(socket, 'q');
    assert.equal(await settledNow(settled), true);
  });

  it('a socket that closes settles; one running nothing is settled at once', async () => {
    const operations = createSocketOperations();
    const idle = fakeSocket();
    assert.equal(await settledNow(operations.settled(idle)), true);
    const socket = fakeSocket();
    operations.begin(socket, 'q');
    const settled = operations.settled(socket);
    socket.emit('close');
    assert.equal(await settledNow(settled), true);
  });

  it('an id that needs escaping is still recognised in its complete frame', async () => {
    const operations = createSocketOperations();
    const socket = fakeSocket();
    const id = '"\u0001'.repeat(64);
    operations.begin(socket, id);
    const settled = operations.settled(socket);
    operations.sent(socket, complete(id));
    assert.equal(await settledNow(settled), true);
  });
});
