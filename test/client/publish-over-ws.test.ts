// Publishing over the WebSocket: with `publishOver: 'ws'` the typed client sends its mutations on the
// socket it already holds (no HTTP request per message) while the socket is up, and over HTTP while it
// is not; the answers, errors and idempotent retries are the same either way.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, RoomcastClientError } from '../../client/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { useProxiedServer } from './helpers/proxied-server.js';
import { recordingFetch } from './helpers/recording-fetch.js';
import { recordingWebSocket } from './helpers/recording-websocket.js';

describe('publishing over the WebSocket', () => {
  const running = useProxiedServer();

  it('sends sendMessage on the open socket, not over HTTP, with the same answers and errors', async (t) => {
    const http = recordingFetch();
    const socket = recordingWebSocket();
    const alice = await clientFor(t, running.server().url, 'alice', { publishOver: 'ws', fetch: http.fetch, webSocketImpl: socket.WebSocket });
    const room = await alice.createRoom({ name: 'over the socket' });
    // Opening the room opens the socket; from then on mutations take it.
    const session = await alice.openRoom(room.id);
    t.after(() => session.close());
    await waitFor(() => alice.status.get() === 'connected', { what: 'the socket to be connected' });
    const before = http.requests.length;
    const first = await alice.sendMessage({ roomId: room.id, body: 'one', clientId: 'c-1' });
    const again = await alice.sendMessage({ roomId: room.id, body: 'one', clientId: 'c-1' });
    assert.equal(again.id, first.id, 'a retry with the same clientId answers the first message');
    await assert.rejects(alice.sendMessage({ roomId: room.id, body: '   ' }), (error) => error instanceof RoomcastClientError && error.code === ErrorCode.BadUserInput);
    assert.equal(http.requests.length, before, 'no HTTP request for any of them');
    const mutations = socket.frames.filter((frame) => frame.type === 'subscribe' && /mutation\s+SendMessage/.test(frame.payload?.query ?? ''));
    assert.equal(mutations.length, 3, 'each went on the socket');
    await waitFor(() => session.timeline.get().some((entry) => entry.body === 'one'), { what: 'the message in the room timeline' });
  });

  it('uses HTTP by default', async (t) => {
    const http = recordingFetch();
    const alice = await clientFor(t, running.server().url, 'alice', { fetch: http.fetch });
    const room = await alice.createRoom({ name: 'over http' });
    const session = await alice.openRoom(room.id);
    t.after(() => session.close());
    await waitFor(() => alice.status.get() === 'connected', { what: 'the socket to be connected' });
    await alice.sendMessage({ roomId: room.id, body: 'one' });
    assert.ok(http.requests.some((request) => request.operationName === 'SendMessage'));
  });
});
