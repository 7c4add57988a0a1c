// GraphQL over SSE as CONTRACT.md "SSE" has it, on the wire: an `id:` (the message's cursor) on each event
// that delivers a message, whatever the client selected; `Last-Event-ID` resumes after it and wins over
// `after`; a heartbeat comment at least every SSE_HEARTBEAT_MS; `access_token` in the URL for an
// EventSource's GET only, refused anywhere else, and never in a log line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { sendMessage, type SentMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { openEventStream, type EventStream } from '../helpers/event-stream.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

const HEARTBEAT_MS = 300;
// Only `body`: the id must not depend on the client selecting `cursor`.
const MESSAGE_ADDED = 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { body } }';
const ROOM_EVENTS = 'subscription($r: ID!) { roomEvents(roomId: $r) { __typename ... on MessageAdded { message { body } } } }';

describe('GraphQL over SSE: ids, Last-Event-ID, heartbeats, access_token', { concurrency: true }, () => {
  let server: AppFixture;
  let token: string;
  before(async () => {
    server = await startServer({ env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS), LOG_LEVEL: 'trace' } });
    token = await tokenFor('sse-owner', 'Owner');
  });
  after(() => server.stop());

  const newRoom = async (name: string) =>
    (await gqlData<{ createRoom: { id: string; headCursor: string } }>(server.url, { token, query: `mutation { createRoom(input: { name: "${name}" }) { id headCursor } }` }))
      .createRoom;

  const send = (roomId: string, bodies: string[]) =>
    bodies.reduce<Promise<SentMessage[]>>(async (sent, body) => [...(await sent), await sendMessage(server.url, token, { roomId, body })], Promise.resolve([]));

  const stream = async (t: { after: (fn: () => void) => void }, body: unknown, headers: Record<string, string> = {}) => {
    const opened = await openEventStream(server.url, { body, headers: { authorization: `Bearer ${token}`, ...headers } });
    t.after(() => opened.close());
    assert.equal(opened.status, 200);
    return opened;
  };

  const bodiesOf = (events: EventStream) => events.payloads<{ messageAdded: { body: string } }>().map((payload) => payload.data?.messageAdded.body);

  it('gives every messageAdded event the cursor of its message as id, though the client did not select it', async (t) => {
    const room = await newRoom('ids');
    const sse = await stream(t, { query: MESSAGE_ADDED, variables: { r: room.id, a: room.headCursor } });
    const sent = await send(room.id, ['one', 'two', 'three']);
    const events = await sse.waitForEvents(3);
    assert.deepEqual(
      events.map((event) => [event.event, event.id]),
      sent.map((message) => ['next', message.cursor]),
    );
    assert.deepEqual(bodiesOf(sse), ['one', 'two', 'three']);
  });

  it('gives roomEvents ids on the events that deliver a message only', async (t) => {
    const room = await newRoom('room-events');
    const sse = await stream(t, { query: ROOM_EVENTS, variables: { r: room.id } });
    // roomEvents without `after` is live only: wait until the stream is open on the server.
    await waitFor(() => sse.comments.length > 0, { what: 'the stream to open' });
    await gqlData(server.url, { token, query: `mutation { setTyping(roomId: "${room.id}", typing: true) }` });
    const [message] = await send(room.id, ['hello']);
    await waitFor(() => sse.events.some((event) => event.id !== undefined), { what: 'the message event' });
    const byType = sse.payloads<{ roomEvents: { __typename: string } }>().map((payload, i) => [payload.data?.roomEvents.__typename, sse.events[i]?.id]);
    // The subscriber's own presence and its typing come first; only the message has an id.
    assert.deepEqual(byType.filter(([type]) => type !== 'PresenceChanged'), [
      ['TypingChanged', undefined],
      ['MessageAdded', message?.cursor],
    ]);
    assert.ok(byType.every(([type, id]) => (type === 'MessageAdded') === (id !== undefined)), JSON.stringify(byType));
  });

  it('resumes after Last-Event-ID, which wins over the document’s after (variable, literal, or none)', async (t) => {
    const room = await newRoom('resume');
    const sent = await send(room.id, ['m1', 'm2', 'm3', 'm4']);
    const lastSeen = { 'last-event-id': sent[1]?.cursor ?? '' };
    const documents = [
      { query: MESSAGE_ADDED, variables: { r: room.id, a: room.headCursor } },
      { query: `subscription { messageAdded(roomId: "${room.id}", after: "${room.headCursor}") { body } }` },
      { query: `subscription { messageAdded(roomId: "${room.id}") { body } }` },
    ];
    for (const document of documents) {
      const sse = await stream(t, document, lastSeen);
      await sse.waitForEvents(2);
      assert.deepEqual(bodiesOf(sse), ['m3', 'm4'], document.query);
      assert.deepEqual(sse.events.map((event) => event.id), [sent[2]?.cursor, sent[3]?.cursor]);
    }
  });

  it('checks Last-Event-ID like any after: another room’s cursor is BAD_USER_INPUT', async (t) => {
    const [room, other] = [await newRoom('mine'), await newRoom('other')];
    const [foreign] = await send(other.id, ['elsewhere']);
    const sse = await stream(t, { query: MESSAGE_ADDED, variables: { r: room.id } }, { 'last-event-id': foreign?.cursor ?? '' });
    await waitFor(() => sse.ended(), { what: 'the refused stream to end' });
    assert.deepEqual(sse.payloads().flatMap((payload) => payload.errors?.map((error) => error.extensions?.code) ?? []), ['BAD_USER_INPUT']);
  });

  it('writes a heartbeat comment at least every SSE_HEARTBEAT_MS on an idle stream', async (t) => {
    const room = await newRoom('heartbeat');
    const sse = await stream(t, { query: MESSAGE_ADDED, variables: { r: room.id } });
    const openedAt = Date.now();
    await waitFor(() => sse.comments.filter((comment) => comment === 'heartbeat').length >= 3, { timeoutMs: 10 * HEARTBEAT_MS, what: 'three heartbeats' });
    // Three heartbeats take at least three periods: they are not all written at once.
    assert.ok(Date.now() - openedAt >= 3 * HEARTBEAT_MS - 50);
    assert.match(sse.text(), /\n\n: heartbeat\n\n/);
  });

  it('authenticates an EventSource GET by access_token, and the token appears in no log line', async (t) => {
    const room = await newRoom('access-token');
    const urlToken = await tokenFor('sse-reader', 'Reader');
    const url = new URL(server.url);
    url.searchParams.set('query', MESSAGE_ADDED);
    url.searchParams.set('variables', JSON.stringify({ r: room.id, a: room.headCursor }));
    url.searchParams.set('access_token', urlToken);
    const sse = await openEventStream(url.toString(), { method: 'GET' });
    t.after(() => sse.close());
    assert.equal(sse.status, 200);
    const [message] = await send(room.id, ['by url']);
    await sse.waitForEvents(1);
    assert.equal(sse.events[0]?.id, message?.cursor);
    assert.deepEqual(bodiesOf(sse), ['by url']);

    const bad = new URL(url);
    bad.searchParams.set('access_token', `${urlToken}x`);
    const refused = await openEventStream(bad.toString(), { method: 'GET' });
    await waitFor(() => refused.ended(), { what: 'the refused stream to end' });
    assert.deepEqual(refused.payloads().flatMap((payload) => payload.errors?.map((error) => error.extensions?.code) ?? []), ['UNAUTHENTICATED']);

    await waitFor(() => server.output().some((line) => line.includes('"path":"/graphql"') && line.includes('"userId":"sse-reader"')), { what: 'the request line' });
    const leaks = server.output().filter((line) => line.includes(urlToken) || line.includes('access_token='));
    assert.deepEqual(leaks, []);
  });

  it('refuses access_token anywhere but an EventSource GET, with 400 BAD_REQUEST, and never logs it', async () => {
    const urlToken = await tokenFor('sse-misuse', 'Misuse');
    const query = '{ viewer { id } }';
    const withToken = (extra: Record<string, string> = {}) => {
      const url = new URL(server.url);
      for (const [key, value] of Object.entries({ query, access_token: urlToken, ...extra })) url.searchParams.set(key, value);
      return url.toString();
    };
    const attempts: { what: string; response: Promise<Response> }[] = [
      { what: 'POST', response: fetch(withToken(), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query }) }) },
      { what: 'POST SSE', response: fetch(withToken(), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify({ query }) }) },
      { what: 'GET JSON', response: fetch(withToken(), { headers: { accept: 'application/json' } }) },
      { what: 'GET any', response: fetch(withToken()) },
      { what: 'GET GraphiQL', response: fetch(withToken(), { headers: { accept: 'text/html' } }) },
      { what: 'GET SSE with Authorization too', response: fetch(withToken(), { headers: { accept: 'text/event-stream', authorization: `Bearer ${urlToken}` } }) },
    ];
    for (const { what, response } of attempts) {
      const answer = await response;
      assert.equal(answer.status, 400, what);
      const body = (await answer.json()) as { errors: { extensions: { code: string } }[] };
      assert.deepEqual(body.errors.map((error) => error.extensions.code), ['BAD_REQUEST'], what);
    }
    // A plain JSON GET with the token in the header still works: only the URL is refused.
    const viaHeader = await gql(server.url, { token: urlToken, query });
    assert.equal(viaHeader.status, 200);
    await waitFor(() => server.output().filter((line) => line.includes('"status":400')).length >= attempts.length, { what: 'the refusals’ request lines' });
    assert.deepEqual(server.output().filter((line) => line.includes(urlToken)), []);
  });
});
