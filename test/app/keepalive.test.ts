// Keepalive against a real server: a peer that answers pings stays connected across many intervals, and a
// peer that stops answering (its process frozen, its cable cut) is terminated by its second unanswered turn.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';

const KEEPALIVE_MS = 400;

/** A graphql-ws connection, acknowledged; `autoPong: false` makes it a peer that never answers pings. */
const connect = async (server: AppFixture, autoPong: boolean) => {
  const socket = new WebSocket(server.wsUrl, 'graphql-transport-ws', { autoPong });
  const pings: number[] = [];
  socket.on('ping', () => pings.push(Date.now()));
  const closed = new Promise<{ code: number; at: number }>((resolve) => socket.once('close', (code) => resolve({ code, at: Date.now() })));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${await tokenFor('pinged')}` } }));
  const ack = await new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
  assert.equal(JSON.parse(ack).type, 'connection_ack');
  return { socket, pings, closed, openedAt: Date.now() };
};

describe('keepalive', () => {
  let server: AppFixture;
  before(async () => {
    server = await startServer({ env: { KEEPALIVE_MS: String(KEEPALIVE_MS) } });
  });
  after(() => server.stop());

  it('keeps a peer that answers, pinging it about once per KEEPALIVE_MS', async () => {
    const peer = await connect(server, true);
    const stillOpen = await Promise.race([peer.closed.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 8 * KEEPALIVE_MS))]);
    assert.ok(stillOpen, 'an answering peer is not terminated');
    assert.equal(peer.socket.readyState, WebSocket.OPEN);
    // 8 intervals: 8 pings give or take the phase of its slice.
    assert.ok(peer.pings.length >= 6 && peer.pings.length <= 9, `pings: ${peer.pings.length}`);
    peer.socket.close();
  });

  it('terminates a peer that stops answering within two intervals of its first unanswered ping', async () => {
    const peer = await connect(server, false);
    const { code, at } = await Promise.race([
      peer.closed,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the silent peer was never terminated')), 6 * KEEPALIVE_MS)),
    ]);
    assert.equal(code, 1006, 'terminated without a close frame');
    const firstPing = peer.pings[0];
    assert.ok(firstPing !== undefined, 'it was pinged first');
    assert.ok(at - firstPing <= KEEPALIVE_MS + 250, `terminated ${at - firstPing} ms after its first unanswered ping`);
    assert.ok(at - peer.openedAt <= 2 * KEEPALIVE_MS + 250, `terminated ${at - peer.openedAt} ms after connecting`);
  });
});
