// Presence, typing and read receipts on the memory engine and a manual clock.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import type { RoomEventRecord } from '../../src/engine/types.js';
import { messageIdOf } from '../../src/engine/message-id.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createServices } from '../../src/services/index.js';

const GRACE_MS = 5_000;
const TYPING_TTL_MS = 5_000;

const setup = async () => {
  const clock = createManualClock();
  const engine = createMemoryEngine();
  const services = createServices({
    engine,
    clock,
    limits: loadConfig({ PRESENCE_GRACE_MS: String(GRACE_MS), TYPING_TTL_MS: String(TYPING_TTL_MS) }).limits,
    onError: (error) => {
      throw error;
    },
  });
  const room = await services.rooms.create('alice', { name: 'lobby' });
  const other = await services.rooms.create('alice', { name: 'elsewhere' });
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  /** Every presence/typing/receipt event published on a room, as compact strings. */
  const watch = async (roomId: string) => {
    const seen: string[] = [];
    await engine.bus.subscribe(roomId, (event: RoomEventRecord) => {
      if (event.kind === 'presence') seen.push(`${event.userId}:${event.online ? 'online' : 'offline'}`);
      if (event.kind === 'typing') seen.push(`${event.userId}:${event.typing ? 'typing' : 'idle'}`);
      if (event.kind === 'receipt') seen.push(`${event.receipt.userId}:read:${event.receipt.seq}`);
    });
    return seen;
  };
  return { clock, engine, services, room, other, settle, advance, watch };
};

const bobVia = (connectionId: string) => ({ userId: 'bob', userName: 'Bob', connectionId });
const bob = { userId: 'bob', name: 'Bob' };

describe('presence', () => {
  it('counts two connections of one user once, and goes offline only a grace period after the last ends', async () => {
    const { services, room, advance, watch, settle } = await setup();
    const events = await watch(room.id);
    const tab1 = await services.roomEvents.open(bobVia('tab-1'), room.id, { kinds: new Set(['message']) });
    const tab2 = await services.roomEvents.open(bobVia('tab-2'), room.id, { kinds: new Set(['presence']) });
    const tab2Again = await services.roomEvents.open(bobVia('tab-2'), room.id, { kinds: new Set(['typing']) });
    assert.deepEqual(await services.presence.online(room.id), ['bob']);
    await settle();
    assert.deepEqual(events, ['bob:online'], 'several connections and subscriptions count once');

    await tab1.return?.();
    await tab2.return?.();
    await advance(GRACE_MS * 2);
    assert.deepEqual(await services.presence.online(room.id), ['bob'], 'tab 2 still holds a subscription');

    await tab2Again.return?.();
    await advance(GRACE_MS - 1);
    assert.deepEqual(events, ['bob:online'], 'not offline before the grace period ends');
    assert.deepEqual(await services.presence.online(room.id), ['bob']);
    await advance(1);
    assert.deepEqual(events, ['bob:online', 'bob:offline']);
    assert.deepEqual(await services.presence.online(room.id), []);
  });

  it('a reload inside the grace period produces no offline/online pair', async () => {
    const { services, room, advance, watch } = await setup();
    const events = await watch(room.id);
    const before = await services.roomEvents.open(bobVia('page-1'), room.id, { kinds: new Set(['message']) });
    await before.return?.();
    await advance(GRACE_MS - 100);
    const after = await services.roomEvents.open(bobVia('page-2'), room.id, { kinds: new Set(['message']) });
    await advance(GRACE_MS * 3);
    assert.deepEqual(events, ['bob:online']);
    assert.deepEqual(await services.presence.online(room.id), ['bob']);
    await after.return?.();
  });

  it('sends presence changes only to subscribers of that room', async () => {
    const { services, room, other, advance, watch } = await setup();
    const elsewhere = await watch(other.id);
    const here = await watch(room.id);
    const stream = await services.roomEvents.open(bobVia('c1'), room.id, { kinds: new Set(['message']) });
    await stream.return?.();
    await advance(GRACE_MS);
    // Sentinel on the other room: it must be the first thing that room ever saw.
    await services.typing.set({ userId: 'carol', name: 'Carol' }, other.id, true);
    await advance(0);
    assert.deepEqual(here, ['bob:online', 'bob:offline']);
    assert.deepEqual(elsewhere, ['carol:typing']);
  });
});

describe('typing', () => {
  it('expires by itself unless renewed, is not re-broadcast while on, and false ends it at once', async () => {
    const { services, room, advance, watch } = await setup();
    const events = await watch(room.id);
    await services.typing.set(bob, room.id, true);
    await advance(3_000);
    await services.typing.set(bob, room.id, true);
    await advance(0);
    assert.deepEqual(events, ['bob:typing'], 'a renewal is not re-broadcast');
    await advance(3_000);
    assert.deepEqual(await services.typing.list(room.id), ['bob'], 'the renewal pushed the expiry out');
    await advance(2_000);
    assert.deepEqual(events, ['bob:typing', 'bob:idle'], 'expired by itself');
    assert.deepEqual(await services.typing.list(room.id), []);

    await services.typing.set(bob, room.id, true);
    await services.typing.set(bob, room.id, false);
    await advance(0);
    assert.deepEqual(events.slice(2), ['bob:typing', 'bob:idle'], 'false ends it at once');
    await advance(TYPING_TTL_MS * 2);
    await services.typing.set(bob, room.id, false);
    await advance(0);
    assert.equal(events.length, 4, 'no late expiry event, and false while idle says nothing');
  });

  it('is refused for rooms the caller cannot see', async () => {
    const { services } = await setup();
    const secret = await services.rooms.create('alice', { name: 'secret', private: true });
    await assert.rejects(services.typing.set(bob, secret.id, true), (error: unknown) => error instanceof RoomcastError && error.code === ErrorCode.NotFound);
  });
});

describe('read receipts', () => {
  it('moves forward only and keeps unreadCount right', async () => {
    const { services, room, watch, settle } = await setup();
    const events = await watch(room.id);
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await services.messages.send({ userId: 'alice', name: 'Alice' }, { roomId: room.id, body: `m${i}` }));
    assert.equal(await services.receipts.unreadCount('bob', room.id), 5);
    const third = sent[2];
    const second = sent[1];
    assert.ok(third && second);
    const receipt = await services.receipts.markRead(bob, room.id, third.id);
    assert.equal(receipt.seq, 3);
    assert.equal(await services.receipts.unreadCount('bob', room.id), 2);
    const back = await services.receipts.markRead(bob, room.id, second.id);
    assert.deepEqual(back, receipt, 'a lower seq returns the current receipt');
    assert.equal(await services.receipts.unreadCount('bob', room.id), 2);
    await settle();
    assert.deepEqual(events, ['bob:read:3'], 'no event for a no-op');
  });

  it('refuses message ids of other rooms and messages that do not exist', async () => {
    const { services, room, other } = await setup();
    const elsewhere = await services.messages.send({ userId: 'alice', name: 'Alice' }, { roomId: other.id, body: 'x' });
    const isCode = (code: ErrorCode) => (error: unknown) => error instanceof RoomcastError && error.code === code;
    await assert.rejects(services.receipts.markRead(bob, room.id, elsewhere.id), isCode(ErrorCode.BadUserInput));
    await assert.rejects(services.receipts.markRead(bob, room.id, 'garbage'), isCode(ErrorCode.BadUserInput));
    await assert.rejects(services.receipts.markRead(bob, room.id, messageIdOf(room.id, 1)), isCode(ErrorCode.NotFound));
  });
});
