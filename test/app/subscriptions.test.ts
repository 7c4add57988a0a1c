// messageAdded and roomEvents over graphql-ws and SSE: live delivery, resume after a drop, and a replay
// racing concurrent sends. Every stream must deliver consecutive seqs, each exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRoom, range, sendMessage, type SentMessage } from '../helpers/operations.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { subscribeSse } from '../helpers/sse-client.js';
import { tokenFor } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';
import { connectWs } from '../helpers/ws-client.js';

type Transport = 'graphql-ws' | 'SSE';
type Field = 'messageAdded' | 'roomEvents';
interface Position {
  seq: number;
  cursor: string;
}
interface Item {
  messageAdded?: Position;
  roomEvents?: { __typename: string; message?: Position };
}

const QUERIES: Record<Field, string> = {
  messageAdded: 'subscription($r: ID!, $a: String) { messageAdded(roomId: $r, after: $a) { seq cursor } }',
  roomEvents: 'subscription($r: ID!, $a: String) { roomEvents(roomId: $r, after: $a) { __typename ... on MessageAdded { message { seq cursor } } } }',
};

/** One subscription on either transport, reduced to the messages it delivered, in order. */
interface Stream {
  readonly label: string;
  messages(): Position[];
  seqs(): number[];
  /** Every __typename seen (roomEvents); 'Message' for messageAdded items. */
  typenames(): string[];
  errorCodes(): unknown[];
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const messagesOf = (items: readonly Item[]): Position[] =>
  items.flatMap((item) => {
    if (item.messageAdded) return [item.messageAdded];
    if (item.roomEvents?.__typename === 'MessageAdded' && item.roomEvents.message) return [item.roomEvents.message];
    return [];
  });

const openStream = (server: AppFixture, token: string, transport: Transport, field: Field, roomId: string, afterCursor: string | null): Stream => {
  const label = `${field} over ${transport}${afterCursor === null ? '' : ' after a cursor'}`;
  const variables = { r: roomId, a: afterCursor };
  let items: readonly Item[];
  let errorCodes: () => unknown[];
  let close: () => Promise<void>;
  if (transport === 'graphql-ws') {
    const ws = connectWs(server.wsUrl, token);
    const sub = ws.subscribe<Item>(QUERIES[field], variables);
    items = sub.items;
    errorCodes = () => [...sub.errorCodes(), ...ws.closeCodes.filter((code) => code !== 1000)];
    close = () => ws.dispose();
  } else {
    const sub = subscribeSse<Item>(server.url, token, { query: QUERIES[field], variables });
    items = sub.items;
    errorCodes = () => sub.codes();
    close = async () => sub.dispose();
  }
  const stream: Stream = {
    label,
    messages: () => messagesOf(items),
    seqs: () => messagesOf(items).map((message) => message.seq),
    typenames: () => items.map((item) => item.roomEvents?.__typename ?? 'Message'),
    errorCodes,
    waitForMessages: async (count, timeoutMs = 5_000) => {
      await waitFor(() => stream.messages().length >= count, {
        timeoutMs,
        what: () => {
          const seqs = stream.seqs();
          return `${label}: ${count} messages (have ${seqs.length}, last ${JSON.stringify(seqs.slice(-5))}, errors ${JSON.stringify(errorCodes())})`;
        },
      });
    },
    close,
  };
  return stream;
};

const STREAMS: [Transport, Field][] = [
  ['graphql-ws', 'messageAdded'],
  ['graphql-ws', 'roomEvents'],
  ['SSE', 'messageAdded'],
  ['SSE', 'roomEvents'],
];

describe('subscriptions', () => {
  let server: AppFixture;
  let alice: string;
  let bob: string;
  const send = (roomId: string, body: string): Promise<SentMessage> => sendMessage(server.url, alice, { roomId, body });

  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice');
    bob = await tokenFor('bob');
  });
  after(() => server.stop());

  for (const [transport, field] of STREAMS) {
    it(`${field} over ${transport} without after delivers live messages only, each once, in order`, async (t) => {
      const room = await createRoom(server.url, alice, { name: `live ${field} ${transport}` });
      for (const body of ['old 1', 'old 2', 'old 3']) await send(room.id, body);
      const stream = openStream(server, bob, transport, field, room.id, null);
      t.after(() => stream.close());

      // Live-only has no handshake to wait on: probe until one message arrives, then check the rest.
      let head = 3;
      await waitFor(
        async () => {
          head = (await send(room.id, `probe after ${head}`)).seq;
          return stream.messages().length > 0;
        },
        { timeoutMs: 10_000, intervalMs: 50, what: `${field} over ${transport}: the first live message` },
      );
      const firstSeq = stream.seqs()[0] ?? 0;
      assert.ok(firstSeq > 3, `history is not replayed (first seq ${firstSeq})`);
      for (let i = 0; i < 5; i++) head = (await send(room.id, `live ${i}`)).seq;
      await stream.waitForMessages(head - firstSeq + 1);
      assert.deepEqual(stream.seqs(), range(firstSeq, head), 'consecutive, no duplicate');
      if (field === 'roomEvents') assert.ok(stream.typenames().includes('MessageAdded'));
      assert.deepEqual(stream.errorCodes(), []);
    });
  }

  for (const [transport, field] of STREAMS) {
    it(`${field} over ${transport}: after a drop, resuming from the last cursor delivers exactly the missed messages, then live`, async (t) => {
      const room = await createRoom(server.url, alice, { name: `resume ${field} ${transport}` });
      const opener = await send(room.id, 'opener');

      const before = openStream(server, bob, transport, field, room.id, opener.cursor);
      t.after(() => before.close());
      for (let i = 0; i < 5; i++) await send(room.id, `seen ${i}`);
      await before.waitForMessages(5);
      assert.deepEqual(before.seqs(), range(2, 6));
      const lastCursor = before.messages().at(-1)?.cursor;
      assert.ok(lastCursor);
      await before.close();

      const missed = 12;
      for (let i = 0; i < missed; i++) await send(room.id, `missed ${i}`);
      const resumed = openStream(server, bob, transport, field, room.id, lastCursor);
      t.after(() => resumed.close());
      await resumed.waitForMessages(missed);
      assert.deepEqual(resumed.seqs(), range(7, 6 + missed), 'exactly the missed messages, in order');

      // Live ones follow; the last one arriving proves nothing was duplicated before it.
      await send(room.id, 'live 1');
      await send(room.id, 'live 2');
      await resumed.waitForMessages(missed + 2);
      assert.deepEqual(resumed.seqs(), range(7, 8 + missed));
      assert.deepEqual(resumed.errorCodes(), []);
    });
  }

  it('a replay racing 100 concurrent sends delivers every seq from after+1 to the head exactly once, on every transport', async (t) => {
    const room = await createRoom(server.url, alice, { name: 'replay race' });
    const history = 300;
    let early: SentMessage | undefined;
    // Seqs are assigned in arrival order, so concurrent batches still fill 1…300 densely.
    for (let batch = 0; batch < history / 25; batch++) {
      const sent = await Promise.all(Array.from({ length: 25 }, (_, i) => send(room.id, `history ${batch}-${i}`)));
      early ??= sent.find((message) => message.seq === 5);
    }
    assert.ok(early, 'the message with seq 5');

    const streams = STREAMS.map(([transport, field]) => openStream(server, bob, transport, field, room.id, early.cursor));
    t.after(() => Promise.all(streams.map((stream) => stream.close())));
    // Fired at once, while the streams replay 6…300.
    const concurrent = await Promise.all(Array.from({ length: 100 }, (_, i) => sendMessage(server.url, alice, { roomId: room.id, body: `during ${i}` })));
    const head = Math.max(...concurrent.map((message) => message.seq));
    assert.equal(head, history + 100);
    assert.deepEqual(
      concurrent.map((message) => message.seq).sort((a, b) => a - b),
      range(history + 1, head),
      'the concurrent sends got seqs 301…400',
    );

    for (const stream of streams) {
      await stream.waitForMessages(head - 5, 20_000);
      assert.deepEqual(stream.seqs(), range(6, head), `${stream.label}: consecutive from after+1 to the head, each once`);
    }
    // Sentinel: the next message each stream delivers must be this one.
    const sentinel = await send(room.id, 'sentinel');
    for (const stream of streams) {
      await stream.waitForMessages(sentinel.seq - 5);
      assert.deepEqual(stream.seqs(), range(6, sentinel.seq), `${stream.label}: then live, no duplicate`);
      assert.deepEqual(stream.errorCodes(), [], stream.label);
    }
  });
});
