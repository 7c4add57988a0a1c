// What every Realtime half must guarantee (src/engine/types.ts). Run by memory-realtime.test.ts and
// redis-realtime.test.ts, so that both are proven equal by the same assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Realtime, RoomEventRecord } from '../../src/engine/types.js';

export interface RealtimeFixture {
  realtime: Realtime;
  close(): Promise<void>;
}

let counter = 0;
const freshRoomId = () => `room_rt${process.pid}x${++counter}x${Date.now()}`;

const receiptEvent = (roomId: string, seq: number): RoomEventRecord => ({
  kind: 'receipt',
  receipt: { roomId, userId: 'bob', userName: 'Bob', seq, messageId: `${roomId}.${seq}`, readAt: seq },
});
const messageEvent = (roomId: string, seq: number, body = 'hello'): RoomEventRecord => ({
  kind: 'message',
  message: { id: `${roomId}.${seq}`, roomId, seq, authorId: 'alice', authorName: 'Alice', body, clientId: null, createdAt: 1 },
});
const label = (event: RoomEventRecord) => (event.kind === 'message' ? `m${event.message.seq}` : event.kind === 'receipt' ? `r${event.receipt.seq}` : event.kind);

/** Collects events of one room until `count` have arrived (bounded). */
const collect = async (realtime: Realtime, roomId: string) => {
  const events: RoomEventRecord[] = [];
  let notify: (() => void) | undefined;
  const unsubscribe = await realtime.bus.subscribe(roomId, (event) => {
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

export const realtimeContract = (name: string, make: () => Promise<RealtimeFixture>): void => {
  describe(`realtime contract: ${name}`, () => {
    it('delivers published events to room subscribers in publish order, only to that room', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const roomA = freshRoomId();
      const roomB = freshRoomId();
      const feedA = await collect(realtime, roomA);
      const feedB = await collect(realtime, roomB);
      t.after(feedA.unsubscribe);
      t.after(feedB.unsubscribe);
      for (let seq = 1; seq <= 20; seq++) await realtime.bus.publish(roomA, messageEvent(roomA, seq));
      await realtime.bus.publish(roomB, messageEvent(roomB, 1, 'sentinel'));
      const eventsA = await feedA.waitForCount(20);
      const eventsB = await feedB.waitForCount(1);
      assert.deepEqual(eventsA.map(label), Array.from({ length: 20 }, (_, i) => `m${i + 1}`));
      assert.equal(eventsB.length, 1, 'room B saw only its own event');
      // Every field survives the trip (Redis serializes it).
      assert.deepEqual(eventsB[0], messageEvent(roomB, 1, 'sentinel'));
    });

    it('delivers one instance\'s events to its own listeners in publish order across rooms', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const rooms = [freshRoomId(), freshRoomId(), freshRoomId()];
      const seen: string[] = [];
      let notify: (() => void) | undefined;
      const unsubscribes = await Promise.all(
        rooms.map((roomId, index) =>
          realtime.bus.subscribe(roomId, (event) => {
            seen.push(`${index}:${label(event)}`);
            notify?.();
          }),
        ),
      );
      t.after(() => Promise.all(unsubscribes.map((unsubscribe) => unsubscribe())));
      const expected: string[] = [];
      for (let seq = 1; seq <= 30; seq++) {
        const index = seq % rooms.length;
        await realtime.bus.publish(rooms[index] ?? '', receiptEvent(rooms[index] ?? '', seq));
        expected.push(`${index}:r${seq}`);
      }
      const deadline = Date.now() + 3_000;
      while (seen.length < expected.length && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          notify = resolve;
          setTimeout(resolve, 50);
        });
      }
      assert.deepEqual(seen, expected);
    });

    it('stops delivering after unsubscribe and keeps other subscribers of the room', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const leaving = await collect(realtime, roomId);
      const staying = await collect(realtime, roomId);
      t.after(staying.unsubscribe);
      await realtime.bus.publish(roomId, receiptEvent(roomId, 1));
      await leaving.waitForCount(1);
      await leaving.unsubscribe();
      await realtime.bus.publish(roomId, receiptEvent(roomId, 2));
      await realtime.bus.publish(roomId, { kind: 'membership', roomId, userId: 'sentinel', member: true });
      await staying.waitForCount(3);
      assert.equal(leaving.events.length, 1);
    });

    it('tracks presence by connection, with a grace state until expire', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const { presence } = realtime;
      assert.equal(await presence.connect(roomId, 'bob', 'bob', 'c1'), true, 'first connection: came online');
      assert.equal(await presence.connect(roomId, 'bob', 'bob', 'c2'), false);
      assert.equal(await presence.connect(roomId, 'amy', 'amy', 'c3'), true);
      assert.deepEqual(await presence.online(roomId), ['bob', 'amy']);
      assert.equal(await presence.disconnect(roomId, 'bob', 'c1'), false, 'c2 remains');
      assert.equal(await presence.expire(roomId, 'bob'), false, 'cannot expire with a connection');
      assert.equal(await presence.disconnect(roomId, 'bob', 'c2'), true, 'no connection left');
      assert.deepEqual(await presence.online(roomId), ['bob', 'amy'], 'still online during grace');
      assert.equal(await presence.connect(roomId, 'bob', 'bob', 'c4'), false, 'back within grace: not a new arrival');
      assert.equal(await presence.expire(roomId, 'bob'), false);
      await presence.disconnect(roomId, 'bob', 'c4');
      assert.equal(await presence.expire(roomId, 'bob'), true);
      assert.equal(await presence.expire(roomId, 'bob'), false, 'offline once');
      assert.deepEqual(await presence.online(roomId), ['amy']);
    });

    it('keeps typing indicators until they expire or stop', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const roomId = freshRoomId();
      const { typing } = realtime;
      assert.equal(await typing.start(roomId, 'bob', 'bob', 5_000), true);
      assert.equal(await typing.start(roomId, 'bob', 'bob', 8_000), false, 'renewal');
      assert.equal(await typing.expire(roomId, 'bob', 6_000), false, 'renewed past 6,000');
      assert.deepEqual(await typing.list(roomId, 6_000), ['bob']);
      assert.equal(await typing.expire(roomId, 'bob', 8_000), true);
      assert.equal(await typing.expire(roomId, 'bob', 9_000), false, 'expires once');
      await typing.start(roomId, 'amy', 'amy', 5_000);
      assert.equal(await typing.stop(roomId, 'amy'), true);
      assert.equal(await typing.stop(roomId, 'amy'), false);
      assert.deepEqual(await typing.list(roomId, 0), []);
    });

    it('spends a rate budget per key and says when it refills', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      const limiter = realtime.rateLimiter({ name: `contract${process.pid}x${++counter}`, points: 2, durationSec: 10 });
      assert.deepEqual(await limiter.consume('k'), { allowed: true });
      assert.deepEqual(await limiter.consume('k'), { allowed: true });
      const refused = await limiter.consume('k');
      assert.equal(refused.allowed, false);
      assert.ok(!refused.allowed && refused.retryAfterMs > 0 && refused.retryAfterMs <= 10_000);
      assert.deepEqual(await limiter.consume('other'), { allowed: true }, 'keys have budgets of their own');
    });

    it('answers ping while healthy', async (t) => {
      const { realtime, close } = await make();
      t.after(close);
      await realtime.ping();
    });
  });
};
