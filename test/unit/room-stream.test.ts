import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import { createMemoryBus } from '../../src/engine/memory/memory-bus.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import type { Engine, MessageStore, NewMessage } from '../../src/engine/types.js';
import { createManualClock, systemClock, type ManualClock } from '../../src/lib/clock.js';
import { openRoomStream, type PublicEventKind, type StreamItem } from '../../src/services/room-stream.js';

const MESSAGES: ReadonlySet<PublicEventKind> = new Set(['message']);
const ROOM = 'room_unit';

const newMessage = (body: string): NewMessage => ({
  roomId: ROOM,
  authorId: 'alice',
  authorName: 'Alice',
  body,
  clientId: null,
  createdAt: 0,
});

/** A memory engine holding the rooms these tests write to. */
const roomsEngine = async () => {
  const engine = createMemoryEngine();
  for (const id of [ROOM, 'room_other']) {
    await engine.rooms.create({ id, name: id, private: false, ownerId: 'alice', memberIds: [], createdAt: 0 });
  }
  return engine;
};

/** What the message service does: commit to the store, then publish. */
const send = async (engine: Pick<Engine, 'messages' | 'bus'>, message: NewMessage) => {
  const { message: stored } = await engine.messages.append(message);
  await engine.bus.publish(stored.roomId, { kind: 'message', message: stored });
};

const appendMany = async (engine: Pick<Engine, 'messages' | 'bus'>, count: number, prefix = 'm') => {
  for (let i = 0; i < count; i++) await send(engine, newMessage(`${prefix}${i}`));
};

/** Pulls `count` items with a bounded wait per item. */
const take = async (stream: AsyncIterator<StreamItem>, count: number): Promise<StreamItem[]> => {
  const items: StreamItem[] = [];
  for (let i = 0; i < count; i++) {
    const result = await Promise.race([
      stream.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`item ${i + 1}/${count} did not arrive`)), 2_000)),
    ]);
    if (result.done) throw new Error(`stream ended after ${i} items`);
    items.push(result.value);
  }
  return items;
};

const seqs = (items: StreamItem[]) => items.map((item) => (item.kind === 'message' ? item.message.seq : `${item.kind}`));

const open = (engine: Pick<Engine, 'bus' | 'messages'>, overrides: Partial<Parameters<typeof openRoomStream>[0]> = {}) =>
  openRoomStream({
    engine,
    roomId: ROOM,
    viewerId: 'viewer',
    roomIsPrivate: false,
    afterSeq: undefined,
    kinds: MESSAGES,
    maxBuffered: 100,
    outage: { clock: systemClock, maxMs: 60_000 },
    ...overrides,
  });

describe('room stream', () => {
  it('replays after the cursor, then goes live, with no duplicate', async () => {
    const engine = await roomsEngine();
    await appendMany(engine, 5);
    const stream = await open(engine, { afterSeq: 2 });
    await appendMany(engine, 2, 'live');
    assert.deepEqual(seqs(await take(stream, 5)), [3, 4, 5, 6, 7]);
    await appendMany(engine, 1, 'sentinel');
    assert.deepEqual(seqs(await take(stream, 1)), [8]);
    await stream.return?.();
  });

  it('without a cursor delivers only messages appended after it opened', async () => {
    const engine = await roomsEngine();
    await appendMany(engine, 3);
    const stream = await open(engine);
    await appendMany(engine, 2);
    assert.deepEqual(seqs(await take(stream, 2)), [4, 5]);
    await stream.return?.();
  });

  it('stays gap-free and duplicate-free when messages arrive while the replay is paging', async () => {
    const engine = await roomsEngine();
    await appendMany(engine, 20);
    const stream = await open(engine, { afterSeq: 0, catchUpPageSize: 3 });
    const received: StreamItem[] = [];
    // Interleave: every item pulled is followed by a new append, so live events queue up during replay.
    for (let i = 0; i < 30; i++) {
      received.push(...(await take(stream, 1)));
      await send(engine, newMessage(`during${i}`));
    }
    received.push(...(await take(stream, 20)));
    assert.deepEqual(seqs(received), Array.from({ length: 50 }, (_, i) => i + 1));
    await stream.return?.();
  });

  it('recovers from buffer overflow by re-reading the log, losing nothing', async () => {
    const engine = await roomsEngine();
    const stream = await open(engine, { maxBuffered: 4 });
    await appendMany(engine, 50);
    assert.deepEqual(seqs(await take(stream, 50)), Array.from({ length: 50 }, (_, i) => i + 1));
    await stream.return?.();
  });

  it('fills a gap in live delivery from the log', async () => {
    const engine = await roomsEngine();
    // A bus that only carries what the test publishes, as when an engine connection drops events.
    const lossyBus = createMemoryBus(() => undefined);
    const stream = await open({ messages: engine.messages, bus: lossyBus });
    const stored = [];
    for (let i = 0; i < 4; i++) stored.push((await engine.messages.append(newMessage(`g${i}`))).message);
    const [first, , , fourth] = stored;
    assert.ok(first && fourth);
    await lossyBus.publish(ROOM, { kind: 'message', message: first });
    await lossyBus.publish(ROOM, { kind: 'message', message: fourth });
    assert.deepEqual(seqs(await take(stream, 4)), [1, 2, 3, 4]);
    await stream.return?.();
  });

  it('releases its room subscription on return(), even while waiting', async () => {
    const engine = await roomsEngine();
    const stream = await open(engine);
    assert.equal(engine.topicCount(), 1);
    const pending = stream.next();
    await stream.return?.();
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.equal(engine.topicCount(), 0);
  });

  it('shares one room topic between subscribers, and wakes only the subscribed room', async () => {
    const engine = await roomsEngine();
    const inRoom = await Promise.all([open(engine), open(engine), open(engine)]);
    const elsewhere = await open(engine, { roomId: 'room_other' });
    assert.equal(engine.topicCount(), 2, 'one topic per room, not per subscriber');
    await appendMany(engine, 1);
    await send(engine, { ...newMessage('sentinel'), roomId: 'room_other' });
    for (const stream of inRoom) assert.deepEqual(seqs(await take(stream, 1)), [1]);
    const [other] = await take(elsewhere, 1);
    assert.equal(other?.kind === 'message' && other.message.body, 'sentinel', 'the other room saw only its own message');
    await Promise.all([...inRoom, elsewhere].map((stream) => stream.return?.()));
    assert.equal(engine.topicCount(), 0);
  });

  it('ends with NOT_FOUND when the viewer leaves a private room', async () => {
    const engine = await roomsEngine();
    const stream = await open(engine, { roomIsPrivate: true });
    await engine.bus.publish(ROOM, { kind: 'membership', roomId: ROOM, userId: 'someone-else', member: false });
    await appendMany(engine, 1);
    assert.deepEqual(seqs(await take(stream, 1)), [1], 'another user leaving changes nothing');
    await engine.bus.publish(ROOM, { kind: 'membership', roomId: ROOM, userId: 'viewer', member: false });
    const [end] = await take(stream, 1);
    assert.equal(end?.kind === 'error' && end.error.code, ErrorCode.NotFound);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
    assert.equal(engine.topicCount(), 0);
  });

  it('ends with SLOW_CONSUMER when events that cannot be re-read overflow the buffer', async () => {
    const engine = await roomsEngine();
    const stream = await open(engine, { maxBuffered: 3 });
    for (let i = 0; i < 5; i++) {
      await engine.bus.publish(ROOM, { kind: 'membership', roomId: ROOM, userId: 'viewer', member: true });
    }
    const [end] = await take(stream, 1);
    assert.equal(end?.kind === 'error' && end.error.code, ErrorCode.SlowConsumer);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });
});

/** The memory log with reads that fail, as an unreachable engine's do, while failures are owed. */
const flakyLog = (messages: MessageStore) => {
  let owed = 0;
  let failed = 0;
  const read = async <T>(load: () => Promise<T>): Promise<T> => {
    if (owed > 0) {
      owed -= 1;
      failed += 1;
      throw new RoomcastError(ErrorCode.EngineUnavailable, 'The shared store is unavailable; try again shortly');
    }
    return load();
  };
  const log: MessageStore = {
    append: (message) => messages.append(message),
    head: (roomId) => read(() => messages.head(roomId)),
    bounds: (roomId) => read(() => messages.bounds(roomId)),
    range: (roomId, fromSeq, toSeq) => read(() => messages.range(roomId, fromSeq, toSeq)),
    seqAt: (roomId, atMs) => read(() => messages.seqAt(roomId, atMs)),
    deleteOlderThan: (beforeMs, limit) => messages.deleteOlderThan(beforeMs, limit),
  };
  return {
    log,
    /** The next `count` reads fail (Infinity: until told otherwise). */
    failNext: (count: number) => {
      owed = count;
    },
    failed: () => failed,
  };
};

/** Moves the manual clock on in steps until `work` settles (bounded), letting the stream's awaits run between steps. */
const settle = async <T>(work: Promise<T>, clock: ManualClock, stepMs = 50): Promise<T> => {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  for (let step = 0; step < 10_000 && !settled; step++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled) clock.advance(stepMs);
  }
  assert.ok(settled, 'settled within 500 s of clock time');
  return tracked;
};

const takeOn = async (stream: AsyncIterator<StreamItem>, count: number, clock: ManualClock): Promise<StreamItem[]> => {
  const items: StreamItem[] = [];
  for (let i = 0; i < count; i++) {
    const result = await settle(stream.next(), clock);
    if (result.done) throw new Error(`stream ended after ${i} items`);
    items.push(result.value);
  }
  return items;
};

describe('room stream through an engine outage', () => {
  const OUTAGE_MAX_MS = 10_000;
  const setup = async () => {
    const engine = await roomsEngine();
    const flaky = flakyLog(engine.messages);
    const clock = createManualClock();
    const streamEngine = { bus: engine.bus, messages: flaky.log };
    const openOn = (overrides: Partial<Parameters<typeof openRoomStream>[0]> = {}) =>
      open(streamEngine, { outage: { clock, maxMs: OUTAGE_MAX_MS }, ...overrides });
    return { engine, flaky, clock, openOn };
  };

  it('retries a replay whose reads fail until the engine answers: nothing lost or repeated, the stream stays open', async () => {
    const { engine, flaky, clock, openOn } = await setup();
    await appendMany(engine, 5);
    flaky.failNext(4);
    const stream = await openOn({ afterSeq: 1, catchUpPageSize: 2 });
    assert.deepEqual(seqs(await takeOn(stream, 4, clock)), [2, 3, 4, 5]);
    assert.equal(flaky.failed(), 4, 'the replay did fail before it answered');
    await stream.return?.();
  });

  it('after a resync whose catch-up fails while messages keep coming, delivers each once, in order', async () => {
    const { engine, flaky, clock, openOn } = await setup();
    await appendMany(engine, 2);
    const stream = await openOn({ afterSeq: 0 });
    assert.deepEqual(seqs(await takeOn(stream, 2, clock)), [1, 2]);
    // As after a Redis restart: the bus is back and resyncs, the log does not answer yet.
    flaky.failNext(6);
    await engine.bus.publish(ROOM, { kind: 'resync', roomId: ROOM });
    await appendMany(engine, 3, 'during');
    const pending = stream.next();
    await appendMany(engine, 2, 'later');
    const first = await settle(pending, clock);
    assert.equal(flaky.failed(), 6);
    assert.deepEqual(seqs([first.value as StreamItem, ...(await takeOn(stream, 4, clock))]), [3, 4, 5, 6, 7]);
    await appendMany(engine, 1, 'sentinel');
    assert.deepEqual(seqs(await takeOn(stream, 1, clock)), [8], 'the sentinel comes next: nothing was doubled');
    await stream.return?.();
  });

  it('retries the head read of a stream opened without a cursor', async () => {
    const { engine, flaky, clock, openOn } = await setup();
    await appendMany(engine, 3);
    flaky.failNext(3);
    const stream = await settle(openOn(), clock);
    assert.equal(flaky.failed(), 3);
    await appendMany(engine, 2, 'live');
    assert.deepEqual(seqs(await takeOn(stream, 2, clock)), [4, 5]);
    await stream.return?.();
  });

  it(`ends with ENGINE_UNAVAILABLE only once the engine has not answered for the ceiling`, async () => {
    const { engine, flaky, clock, openOn } = await setup();
    await appendMany(engine, 2);
    flaky.failNext(Infinity);
    const stream = await openOn({ afterSeq: 0 });
    const startedAt = clock.now();
    const [end] = await takeOn(stream, 1, clock);
    assert.equal(end?.kind === 'error' && end.error.code, ErrorCode.EngineUnavailable);
    assert.ok(clock.now() - startedAt >= OUTAGE_MAX_MS, `ended after ${clock.now() - startedAt} ms of clock time, not before ${OUTAGE_MAX_MS}`);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
    assert.equal(engine.topicCount(), 0, 'its room subscription was released');
  });

  it('stops retrying once returned', async () => {
    const { engine, flaky, clock, openOn } = await setup();
    await appendMany(engine, 1);
    flaky.failNext(Infinity);
    const stream = await openOn({ afterSeq: 0 });
    const pending = stream.next();
    await new Promise((resolve) => setImmediate(resolve));
    await stream.return?.();
    assert.deepEqual(await settle(pending, clock), { done: true, value: undefined });
    const failedAtReturn = flaky.failed();
    clock.advance(OUTAGE_MAX_MS);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(flaky.failed(), failedAtReturn, 'no read after the stream was returned');
    assert.equal(engine.topicCount(), 0);
  });
});
