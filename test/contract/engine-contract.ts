// The engine semantics every implementation must keep. Run by memory.test.ts (and, with the Redis
// issue, redis.test.ts) so that both engines are proven equal by the same assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine, NewMessage, RoomEventRecord } from '../../src/engine/types.js';

export interface EngineFixture {
  engine: Engine;
  close(): Promise<void>;
}

let roomCounter = 0;
const freshRoomId = () => `room_contract${process.pid}x${++roomCounter}x${Date.now()}`;

const message = (roomId: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  roomId,
  authorId: 'alice',
  authorName: 'Alice',
  body: 'hello',
  clientId: null,
  createdAt: 1_700_000_000_000,
  ...overrides,
});

/** Collects events of one room until `count` have arrived (bounded). */
const collect = async (engine: Engine, roomId: string) => {
  const events: RoomEventRecord[] = [];
  let notify: (() => void) | undefined;
  const unsubscribe = await engine.bus.subscribe(roomId, (event) => {
    events.push(event);
    notify?.();
  });
  const waitForCount = async (count: number, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} events, got ${events.length}`);
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, Math.min(left, 50));
      });
    }
    return events;
  };
  return { events, waitForCount, unsubscribe };
};

export const engineContract = (name: string, make: () => Promise<EngineFixture>): void => {
  describe(`engine contract: ${name}`, () => {
    it('appends with seq 1, 2, 3 … and reads ranges back in order', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      assert.equal(await engine.messages.head(roomId), 0);
      for (let i = 1; i <= 5; i++) {
        const { message: stored, created } = await engine.messages.append(message(roomId, { body: `m${i}` }));
        assert.equal(created, true);
        assert.equal(stored.seq, i);
        assert.equal(stored.body, `m${i}`);
        assert.equal(stored.roomId, roomId);
      }
      assert.equal(await engine.messages.head(roomId), 5);
      const middle = await engine.messages.range(roomId, 2, 4);
      assert.deepEqual(middle.map((m) => m.seq), [2, 3, 4]);
      assert.deepEqual(middle.map((m) => m.body), ['m2', 'm3', 'm4']);
      assert.deepEqual((await engine.messages.range(roomId, 4, 99)).map((m) => m.seq), [4, 5]);
      assert.deepEqual(await engine.messages.range(roomId, 6, 10), []);
      assert.equal(new Set(middle.map((m) => m.id)).size, 3, 'ids are distinct');
    });

    it('keeps seqs dense under concurrent appends', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => engine.messages.append(message(roomId, { body: `c${i}` }))),
      );
      assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await engine.messages.head(roomId), 50);
    });

    it('returns the first message for a repeated clientId of the same author, and publishes once', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const feed = await collect(engine, roomId);
      t.after(feed.unsubscribe);
      const first = await engine.messages.append(message(roomId, { clientId: 'k1', body: 'first' }));
      const again = await engine.messages.append(message(roomId, { clientId: 'k1', body: 'second' }));
      assert.equal(again.created, false);
      assert.deepEqual(again.message, first.message);
      // Same clientId from another author is a different message.
      const other = await engine.messages.append(message(roomId, { clientId: 'k1', authorId: 'bob' }));
      assert.equal(other.created, true);
      assert.equal(other.message.seq, 2);
      // Sentinel: the next event after the first must be bob's, proving the retry published nothing.
      const events = await feed.waitForCount(2);
      assert.deepEqual(events.map((e) => (e.kind === 'message' ? e.message.seq : -1)), [1, 2]);
      assert.equal(await engine.messages.head(roomId), 2);
    });

    it('publishes appended messages to room subscribers in seq order, only to that room', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomA = freshRoomId();
      const roomB = freshRoomId();
      const feedA = await collect(engine, roomA);
      const feedB = await collect(engine, roomB);
      t.after(feedA.unsubscribe);
      t.after(feedB.unsubscribe);
      await Promise.all(Array.from({ length: 20 }, () => engine.messages.append(message(roomA))));
      await engine.messages.append(message(roomB, { body: 'sentinel' }));
      const eventsA = await feedA.waitForCount(20);
      const eventsB = await feedB.waitForCount(1);
      assert.deepEqual(eventsA.map((e) => (e.kind === 'message' ? e.message.seq : -1)), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.equal(eventsB.length, 1, 'room B saw only its own message');
      assert.equal(eventsB[0]?.kind === 'message' && eventsB[0].message.body, 'sentinel');
    });

    it('stops delivering after unsubscribe and keeps other subscribers of the room', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const leaving = await collect(engine, roomId);
      const staying = await collect(engine, roomId);
      t.after(staying.unsubscribe);
      await engine.messages.append(message(roomId));
      await leaving.waitForCount(1);
      await leaving.unsubscribe();
      await engine.messages.append(message(roomId));
      await engine.bus.publish(roomId, { kind: 'membership', roomId, userId: 'sentinel', member: true });
      await staying.waitForCount(3);
      assert.equal(leaving.events.length, 1);
    });

    it('stores rooms, members and visibility', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const viewer = `viewer${Date.now()}${Math.random()}`;
      const publicRoom = await engine.rooms.create({ id: freshRoomId(), name: 'pub', private: false, ownerId: 'owner', memberIds: [], createdAt: 1 });
      const privateRoom = await engine.rooms.create({ id: freshRoomId(), name: 'priv', private: true, ownerId: 'owner', memberIds: ['m1', 'owner'], createdAt: 2 });
      assert.deepEqual(privateRoom.memberIds, ['owner', 'm1'], 'owner first, no duplicates');
      assert.ok(privateRoom.ordinal > publicRoom.ordinal);
      assert.deepEqual(await engine.rooms.get(publicRoom.id), publicRoom);
      assert.equal(await engine.rooms.get('room_missing'), undefined);

      const joined = await engine.rooms.addMember(privateRoom.id, viewer);
      assert.deepEqual(joined?.memberIds, ['owner', 'm1', viewer]);
      assert.deepEqual((await engine.rooms.addMember(privateRoom.id, viewer))?.memberIds, ['owner', 'm1', viewer]);
      const afterPublic = await engine.rooms.listVisible({ viewerId: viewer, afterOrdinal: publicRoom.ordinal - 1, limit: 10 });
      assert.deepEqual(afterPublic.rooms.map((r) => r.id).slice(0, 2), [publicRoom.id, privateRoom.id]);

      const left = await engine.rooms.removeMember(privateRoom.id, viewer);
      assert.deepEqual(left?.memberIds, ['owner', 'm1']);
      const visible = await engine.rooms.listVisible({ viewerId: viewer, afterOrdinal: publicRoom.ordinal - 1, limit: 10 });
      assert.ok(!visible.rooms.some((r) => r.id === privateRoom.id), 'a private room is not listed for a non-member');
      const page = await engine.rooms.listVisible({ viewerId: 'owner', afterOrdinal: publicRoom.ordinal - 1, limit: 1 });
      assert.deepEqual(page.rooms.map((r) => r.id), [publicRoom.id]);
      assert.equal(page.hasMore, true);
      assert.equal(await engine.rooms.addMember('room_missing', viewer), undefined);
    });

    it('remembers user names', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const id = `user${Date.now()}`;
      await engine.users.remember({ id, name: 'First' });
      await engine.users.remember({ id, name: 'Second' });
      const found = await engine.users.getMany([id, 'never-seen']);
      assert.deepEqual(found.get(id), { id, name: 'Second' });
      assert.equal(found.has('never-seen'), false);
    });

    it('answers ping while healthy', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      await engine.ping();
    });
  });
};
