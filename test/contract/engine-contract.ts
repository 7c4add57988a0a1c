// The engine semantics every implementation must keep. Run by memory.test.ts (and, with the Redis
// issue, redis.test.ts) so that both engines are proven equal by the same assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Engine, NewMessage, RoomEventRecord, TimerChangedEvent, TimerRecord } from '../../src/engine/types.js';

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

const timer = (roomId: string, id: string, overrides: Partial<TimerRecord> = {}): TimerRecord => ({
  id,
  roomId,
  label: null,
  durationMs: 3_000,
  tickMs: 1_000,
  status: 'RUNNING',
  startedBy: 'alice',
  startedByName: 'Alice',
  startedAt: 1_000,
  endsAt: 4_000,
  pausedRemainingMs: 3_000,
  nextDueAt: 2_000,
  version: 1,
  ...overrides,
});

const changed = (record: TimerRecord, kind: TimerChangedEvent['kind'] = 'timer'): TimerChangedEvent => ({
  kind,
  timer: record,
  remainingMs: 0,
  at: 0,
});

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

    it('stores timers, publishes their changes, and refuses past the active limit', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const feed = await collect(engine, roomId);
      t.after(feed.unsubscribe);
      const first = timer(roomId, `${roomId}-t1`);
      assert.equal(await engine.timers.create(first, 2_000, changed(first), 2), true);
      const second = timer(roomId, `${roomId}-t2`, { status: 'PAUSED', endsAt: null });
      assert.equal(await engine.timers.create(second, null, changed(second), 2), true);
      const third = timer(roomId, `${roomId}-t3`);
      assert.equal(await engine.timers.create(third, 2_000, changed(third), 2), false, 'two active: the limit');
      assert.equal(await engine.timers.get(third.id), undefined, 'a refused timer is not stored');
      assert.deepEqual(await engine.timers.get(first.id), first);
      assert.deepEqual((await engine.timers.listByRoom(roomId)).map((t) => t.id), [first.id, second.id]);
      // An ended timer no longer counts against the limit.
      assert.equal(await engine.timers.transition({ ...second, status: 'STOPPED', version: 2 }, 1, null, changed(second)), true);
      assert.equal(await engine.timers.create(third, 3_000, changed(third), 2), true);
      const events = await feed.waitForCount(4);
      assert.deepEqual(events.map((e) => (e.kind === 'timer' ? e.timer.id : e.kind)), [first.id, second.id, second.id, third.id]);
    });

    it('transitions timers by compare-and-set on version, exactly once', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const feed = await collect(engine, roomId);
      t.after(feed.unsubscribe);
      const record = timer(roomId, `${roomId}-cas`);
      await engine.timers.create(record, 2_000, changed(record), 20);
      const next = { ...record, version: 2 };
      // Five racers try the same tick; one wins, the others change and publish nothing.
      const results = await Promise.all(Array.from({ length: 5 }, () => engine.timers.transition(next, 1, 3_000, changed(next, 'timer-tick'))));
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual(await engine.timers.get(record.id), next);
      const finished = { ...next, status: 'FINISHED' as const, endsAt: null, pausedRemainingMs: 0, version: 3 };
      assert.equal(await engine.timers.transition(finished, 2, null, changed(finished)), true);
      assert.equal(await engine.timers.transition(finished, 2, null, changed(finished)), false, 'finish happens once');
      const events = await feed.waitForCount(3);
      await engine.bus.publish(roomId, { kind: 'membership', roomId, userId: 'sentinel', member: true });
      const all = await feed.waitForCount(4);
      assert.deepEqual(all.map((e) => e.kind), ['timer', 'timer-tick', 'timer', 'membership'], 'no extra event was published');
      assert.equal(events.length >= 3, true);
    });

    it('reports due timers in due order and follows changes of due time', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const a = timer(roomId, `${roomId}-a`);
      const b = timer(roomId, `${roomId}-b`);
      const c = timer(roomId, `${roomId}-c`);
      await engine.timers.create(a, 5_000, changed(a), 20);
      await engine.timers.create(b, 3_000, changed(b), 20);
      await engine.timers.create(c, 9_000, changed(c), 20);
      const mine = (due: { timerId: string; dueAt: number }[]) => due.filter((d) => d.timerId.startsWith(roomId));
      assert.deepEqual(mine(await engine.timers.due(5_000, 100)), [
        { timerId: b.id, dueAt: 3_000 },
        { timerId: a.id, dueAt: 5_000 },
      ]);
      assert.deepEqual(mine(await engine.timers.due(5_000, 100)).length, 2, 'reporting does not consume');
      await engine.timers.transition({ ...b, version: 2 }, 1, 7_000, changed(b, 'timer-tick'));
      await engine.timers.transition({ ...a, status: 'PAUSED', version: 2 }, 1, null, changed(a));
      assert.deepEqual(mine(await engine.timers.due(8_000, 100)), [{ timerId: b.id, dueAt: 7_000 }]);
      const nextDue = await engine.timers.nextDueAt();
      assert.ok(nextDue !== undefined && nextDue <= 7_000);
    });

    it('counts RUNNING timers: paused and ended ones are not counted', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      // Other tests' timers may share the engine: only the change this test makes is asserted.
      const before = await engine.timers.countRunning();
      const roomId = freshRoomId();
      const a = timer(roomId, `${roomId}-a`);
      const b = timer(roomId, `${roomId}-b`);
      const paused = timer(roomId, `${roomId}-p`, { status: 'PAUSED', endsAt: null, nextDueAt: null });
      await engine.timers.create(a, 2_000, changed(a), 20);
      await engine.timers.create(b, 2_000, changed(b), 20);
      await engine.timers.create(paused, null, changed(paused), 20);
      assert.equal(await engine.timers.countRunning(), before + 2);
      await engine.timers.transition({ ...a, status: 'PAUSED', endsAt: null, nextDueAt: null, version: 2 }, 1, null, changed(a));
      await engine.timers.transition({ ...b, version: 2 }, 1, 3_000, changed(b, 'timer-tick'));
      assert.equal(await engine.timers.countRunning(), before + 1, 'a tick keeps it running; a pause does not');
      await engine.timers.transition({ ...b, status: 'FINISHED', endsAt: null, nextDueAt: null, pausedRemainingMs: 0, version: 3 }, 2, null, changed(b));
      assert.equal(await engine.timers.countRunning(), before);
    });

    it('tracks presence by connection, with a grace state until expire', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      assert.equal(await engine.presence.connect(roomId, 'bob', 'bob', 'c1'), true, 'first connection: came online');
      assert.equal(await engine.presence.connect(roomId, 'bob', 'bob', 'c2'), false);
      assert.equal(await engine.presence.connect(roomId, 'amy', 'amy', 'c3'), true);
      assert.deepEqual(await engine.presence.online(roomId), ['bob', 'amy']);
      assert.equal(await engine.presence.disconnect(roomId, 'bob', 'c1'), false, 'c2 remains');
      assert.equal(await engine.presence.expire(roomId, 'bob'), false, 'cannot expire with a connection');
      assert.equal(await engine.presence.disconnect(roomId, 'bob', 'c2'), true, 'no connection left');
      assert.deepEqual(await engine.presence.online(roomId), ['bob', 'amy'], 'still online during grace');
      assert.equal(await engine.presence.connect(roomId, 'bob', 'bob', 'c4'), false, 'back within grace: not a new arrival');
      assert.equal(await engine.presence.expire(roomId, 'bob'), false);
      await engine.presence.disconnect(roomId, 'bob', 'c4');
      assert.equal(await engine.presence.expire(roomId, 'bob'), true);
      assert.equal(await engine.presence.expire(roomId, 'bob'), false, 'offline once');
      assert.deepEqual(await engine.presence.online(roomId), ['amy']);
    });

    it('keeps typing indicators until they expire or stop', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      assert.equal(await engine.typing.start(roomId, 'bob', 'bob', 5_000), true);
      assert.equal(await engine.typing.start(roomId, 'bob', 'bob', 8_000), false, 'renewal');
      assert.equal(await engine.typing.expire(roomId, 'bob', 6_000), false, 'renewed past 6,000');
      assert.deepEqual(await engine.typing.list(roomId, 6_000), ['bob']);
      assert.equal(await engine.typing.expire(roomId, 'bob', 8_000), true);
      assert.equal(await engine.typing.expire(roomId, 'bob', 9_000), false, 'expires once');
      await engine.typing.start(roomId, 'amy', 'amy', 5_000);
      assert.equal(await engine.typing.stop(roomId, 'amy'), true);
      assert.equal(await engine.typing.stop(roomId, 'amy'), false);
      assert.deepEqual(await engine.typing.list(roomId, 0), []);
    });

    it('moves read pointers forward only and publishes each move', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const feed = await collect(engine, roomId);
      t.after(feed.unsubscribe);
      const receipt = (seq: number) => ({ roomId, userId: 'bob', userName: 'Bob', seq, messageId: `${roomId}.${seq}`, readAt: seq });
      assert.deepEqual(await engine.receipts.advance(receipt(3)), { receipt: receipt(3), moved: true });
      assert.deepEqual(await engine.receipts.advance(receipt(2)), { receipt: receipt(3), moved: false });
      assert.deepEqual(await engine.receipts.advance(receipt(3)), { receipt: receipt(3), moved: false });
      assert.deepEqual((await engine.receipts.advance(receipt(7))).moved, true);
      assert.deepEqual(await engine.receipts.get(roomId, 'bob'), receipt(7));
      assert.equal(await engine.receipts.get(roomId, 'amy'), undefined);
      await engine.bus.publish(roomId, { kind: 'membership', roomId, userId: 'sentinel', member: true });
      const events = await feed.waitForCount(3);
      assert.deepEqual(events.map((e) => (e.kind === 'receipt' ? e.receipt.seq : e.kind)), [3, 7, 'membership']);
    });

    it('answers ping while healthy', async (t) => {
      const { engine, close } = await make();
      t.after(close);
      await engine.ping();
    });
  });
};
