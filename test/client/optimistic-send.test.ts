// Optimistic sends: pending at once under a clientId, sent when the stream brings the server's copy,
// retried with the same clientId after a network failure (stored once), failed with the server's code
// otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TimelineEntry } from '../../client/index.js';
import { gqlData } from '../helpers/graphql-http.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { recordingFetch, type RecordedRequest } from './helpers/recording-fetch.js';
import { startTcpProxy } from './helpers/tcp-proxy.js';

const storedClientIds = async (url: string, roomId: string): Promise<(string | null)[]> =>
  (
    await gqlData<{ messages: { edges: { node: { clientId: string | null } }[] } }>(url, {
      token: await tokenFor('observer'),
      query: 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { clientId } } } }',
      variables: { r: roomId },
    })
  ).messages.edges.map((edge) => edge.node.clientId);

const entryOf = (timeline: readonly TimelineEntry[], clientId: string) => timeline.find((entry) => entry.clientId === clientId);
const sendsOf = (requests: RecordedRequest[], clientId: string) =>
  requests.filter((request) => request.operationName === 'SendMessage' && JSON.stringify(request.variables).includes(clientId));

describe('optimistic send', () => {
  let server: AppFixture;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('shows a message as pending at once, then as sent in its place when the stream delivers it', async (t) => {
    const alice = await clientFor(t, server.url, 'alice');
    const room = await alice.createRoom({ name: 'optimistic' });
    const session = await alice.openRoom(room.id);
    t.after(() => session.close());

    const clientId = session.send('hello');
    const pending = entryOf(session.timeline.get(), clientId);
    assert.deepEqual(
      { status: pending?.status, body: pending?.body, seq: pending?.seq, author: pending?.author.id },
      { status: 'pending', body: 'hello', seq: null, author: 'alice' },
    );
    await waitFor(() => entryOf(session.timeline.get(), clientId)?.status === 'sent', { what: 'the message becomes sent' });
    const sent = entryOf(session.timeline.get(), clientId);
    assert.equal(sent?.seq, 1);
    assert.equal(session.timeline.get().length, 1, 'the pending entry was replaced, not duplicated');
  });

  for (const failure of ['before-send', 'lose-answer'] as const) {
    it(`retries with the same clientId after a network failure (${failure}) and is stored once`, async (t) => {
      // The socket goes through a proxy that the test takes down, so the stream cannot confirm the
      // message early and every retry really goes out; HTTP goes straight to the server.
      const proxy = await startTcpProxy(server.port);
      t.after(() => proxy.close());
      const network = recordingFetch({ sendTo: server.url });
      const alice = await clientFor(t, proxy.url, 'alice', { fetch: network.fetch });
      const room = await alice.createRoom({ name: `retry ${failure}` });
      // With a message in the room the stream resumes from its cursor and reads no history on its own,
      // so nothing but the stream can confirm the send.
      const opener = await alice.sendMessage({ roomId: room.id, body: 'opener' });
      const session = await alice.openRoom(room.id);
      t.after(() => session.close());
      proxy.refuse(true);
      proxy.cut();

      let failed = 0;
      network.failWhen((request) => (request.operationName === 'SendMessage' && failed++ < 2 ? failure : undefined));
      const clientId = session.send('survives the network');
      await waitFor(() => sendsOf(network.requests, clientId).length === 3, { timeoutMs: 10_000, what: 'two failed sends and a third' });
      assert.equal(entryOf(session.timeline.get(), clientId)?.status, 'pending', 'pending until the stream brings it');

      proxy.refuse(false);
      await waitFor(() => entryOf(session.timeline.get(), clientId)?.status === 'sent', { timeoutMs: 10_000, what: 'the retried send is confirmed' });
      assert.equal(sendsOf(network.requests, clientId).length, 3, 'two failures, then the send that got through, all with one clientId');
      assert.deepEqual(await storedClientIds(server.url, room.id), [opener.clientId, clientId], 'stored once');
      assert.deepEqual(session.timeline.get().map((entry) => [entry.status, entry.seq]), [['sent', 1], ['sent', 2]]);
    });
  }

  it('fails with the server code, without retrying, on an error that is not the network', async (t) => {
    const network = recordingFetch();
    const alice = await clientFor(t, server.url, 'alice', { fetch: network.fetch });
    const room = await alice.createRoom({ name: 'rejects' });
    const session = await alice.openRoom(room.id);
    t.after(() => session.close());

    const rejected = session.send('   ');
    const tooLong = session.send('x'.repeat(4_001));
    const fine = session.send('fine');
    await waitFor(() => entryOf(session.timeline.get(), fine)?.status === 'sent', { what: 'the later send goes through' });
    for (const clientId of [rejected, tooLong]) {
      const entry = entryOf(session.timeline.get(), clientId);
      assert.deepEqual({ status: entry?.status, code: entry?.errorCode }, { status: 'failed', code: 'BAD_USER_INPUT' });
      assert.equal(sendsOf(network.requests, clientId).length, 1, 'not retried');
    }
    assert.deepEqual(await storedClientIds(server.url, room.id), [fine]);
    // Failed messages stay in the timeline, after the sent ones, until the app retries or drops them.
    assert.deepEqual(session.timeline.get().map((entry) => entry.status), ['sent', 'failed', 'failed']);
  });

  it('gives up as NETWORK_ERROR after its attempts, and a retry sends the same clientId again', async (t) => {
    const network = recordingFetch();
    const alice = await clientFor(t, server.url, 'alice', { fetch: network.fetch });
    const room = await alice.createRoom({ name: 'offline' });
    const session = await alice.openRoom(room.id, { sendMaxAttempts: 3 });
    t.after(() => session.close());

    network.failWhen((request) => (request.operationName === 'SendMessage' ? 'before-send' : undefined));
    const clientId = session.send('later');
    await waitFor(() => entryOf(session.timeline.get(), clientId)?.status === 'failed', { timeoutMs: 10_000, what: 'the send gives up' });
    assert.equal(entryOf(session.timeline.get(), clientId)?.errorCode, 'NETWORK_ERROR');
    assert.equal(sendsOf(network.requests, clientId).length, 3);

    network.failWhen(() => undefined);
    session.retry(clientId);
    assert.equal(entryOf(session.timeline.get(), clientId)?.status, 'pending');
    await waitFor(() => entryOf(session.timeline.get(), clientId)?.status === 'sent', { what: 'the retried message is sent' });
    assert.deepEqual(await storedClientIds(server.url, room.id), [clientId]);
  });
});
