// What every Store must guarantee (src/engine/types.ts). Run by memory-store.test.ts and
// postgres-store.test.ts, so that both implementations are proven equal by the same assertions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NewMessage, Store, TimerRecord, WebhookClaim } from '../../src/engine/types.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';

export interface StoreFixture {
  store: Store;
  close(): Promise<void>;
}

let counter = 0;
const freshId = (kind: string) => `${kind}_contract${process.pid}x${++counter}x${Date.now()}`;

const message = (roomId: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  roomId,
  authorId: 'alice',
  authorName: 'Alice',
  body: 'hello',
  clientId: null,
  createdAt: 1_700_000_000_000,
  ...overrides,
});

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
  endedAt: null,
  ...overrides,
});

const newRoom = async (store: Store, overrides: { private?: boolean; ownerId?: string; memberIds?: string[] } = {}) =>
  store.rooms.create({
    id: freshId('room'),
    name: 'room',
    private: overrides.private ?? false,
    ownerId: overrides.ownerId ?? 'owner',
    memberIds: overrides.memberIds ?? [],
    createdAt: 1,
  });

const isCode = (code: ErrorCode) => (error: unknown) => error instanceof RoomcastError && error.code === code;

// Other tests share the PostgreSQL store's outbox: each removes its endpoints (and so their deliveries)
// before it closes its store.
const openWithWebhooks = async (make: () => Promise<StoreFixture>, t: { after(fn: () => Promise<unknown>): void }) => {
  const { store, close } = await make();
  const endpointIds: string[] = [];
  t.after(async () => {
    for (const id of endpointIds) await store.webhooks.deleteEndpoint(id);
    await close();
  });
  const newEndpoint = async (roomIds: string[]) => {
    const endpoint = await store.webhooks.createEndpoint({ id: freshId('wh'), url: 'https://partner.example/hook', roomIds, secret: 'whsec_c2VjcmV0', createdAt: 1 });
    endpointIds.push(endpoint.id);
    return endpoint;
  };
  return { store, newEndpoint };
};

/** The claims of one endpoint, as `room:seq` strings sorted (claim order across rooms is not promised). */
const claimed = (claims: WebhookClaim[], endpointId: string) => claims.filter((c) => c.delivery.endpointId === endpointId);
const labels = (claims: WebhookClaim[], roomNames: Record<string, string>) =>
  claims.map((c) => `${roomNames[c.delivery.roomId] ?? '?'}${c.delivery.seq}`).sort();

export const storeContract = (name: string, make: () => Promise<StoreFixture>): void => {
  describe(`store contract: ${name}`, () => {
    it('appends with seq 1, 2, 3 … and reads ranges back in order', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      assert.equal(await store.messages.head(roomId), 0);
      for (let i = 1; i <= 5; i++) {
        const { message: stored, created } = await store.messages.append(message(roomId, { body: `m${i}` }));
        assert.equal(created, true);
        assert.equal(stored.seq, i);
        assert.equal(stored.body, `m${i}`);
        assert.equal(stored.roomId, roomId);
      }
      assert.equal(await store.messages.head(roomId), 5);
      assert.deepEqual(await store.messages.bounds(roomId), { head: 5, prunedThrough: 0 });
      const middle = await store.messages.range(roomId, 2, 4);
      assert.deepEqual(middle.map((m) => m.seq), [2, 3, 4]);
      assert.deepEqual(middle.map((m) => m.body), ['m2', 'm3', 'm4']);
      assert.deepEqual((await store.messages.range(roomId, 4, 99)).map((m) => m.seq), [4, 5]);
      assert.deepEqual(await store.messages.range(roomId, 6, 10), []);
      assert.equal(new Set(middle.map((m) => m.id)).size, 3, 'ids are distinct');
    });

    it('refuses an append to a room it does not have, and uses up no seq', async (t) => {
      const { store, close } = await make();
      t.after(close);
      await assert.rejects(store.messages.append(message('room_missing')), isCode(ErrorCode.NotFound));
      assert.equal(await store.messages.head('room_missing'), 0);
    });

    it('keeps seqs dense under concurrent appends', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.messages.append(message(roomId, { body: `c${i}` }))));
      assert.deepEqual(results.map((r) => r.message.seq).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await store.messages.head(roomId), 50);
    });

    it('returns the first message for a repeated clientId of the same author, also when both race', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      const first = await store.messages.append(message(roomId, { clientId: 'k1', body: 'first' }));
      const again = await store.messages.append(message(roomId, { clientId: 'k1', body: 'second' }));
      assert.equal(again.created, false);
      assert.deepEqual(again.message, first.message);
      // Same clientId from another author is a different message.
      const other = await store.messages.append(message(roomId, { clientId: 'k1', authorId: 'bob' }));
      assert.equal(other.created, true);
      assert.equal(other.message.seq, 2);
      const racers = await Promise.all(Array.from({ length: 8 }, () => store.messages.append(message(roomId, { clientId: 'k2' }))));
      assert.equal(racers.filter((r) => r.created).length, 1, 'one racer stores it');
      assert.equal(new Set(racers.map((r) => r.message.seq)).size, 1, 'every racer gets the same message');
      assert.equal(await store.messages.head(roomId), 3, 'no seq was used up by the losers');
    });

    it('deletes old messages in bounded batches and says where history now starts', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      for (let i = 1; i <= 6; i++) await store.messages.append(message(roomId, { createdAt: i * 1_000, clientId: `c${i}` }));
      let deleted = 0;
      // Other tests' rooms may share the store: delete only what is older than this room's 4th message,
      // a bound no other test's messages (created at 1_700_000_000_000) fall below.
      for (let round = 0; round < 10; round++) {
        const batch = await store.messages.deleteOlderThan(4_000, 2);
        assert.ok(batch <= 2, 'a batch never exceeds its limit');
        deleted += batch;
        if (batch === 0) break;
      }
      assert.equal(deleted, 3);
      assert.deepEqual(await store.messages.bounds(roomId), { head: 6, prunedThrough: 3 });
      assert.deepEqual((await store.messages.range(roomId, 1, 10)).map((m) => m.seq), [4, 5, 6]);
      const next = await store.messages.append(message(roomId, { createdAt: 7_000 }));
      assert.equal(next.message.seq, 7, 'seq continues after retention');
    });

    it('stores rooms with memberships as records: owner first, join order, no duplicates', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const room = await newRoom(store, { private: true, ownerId: 'owner', memberIds: ['m1', 'owner'] });
      assert.deepEqual(await store.rooms.members(room.id, 10), ['owner', 'm1']);
      assert.deepEqual(await store.rooms.get(room.id), room);
      assert.equal(await store.rooms.get('room_missing'), undefined);
      assert.equal(await store.rooms.isMember(room.id, 'm1'), true);
      assert.equal(await store.rooms.isMember(room.id, 'stranger'), false);
      assert.deepEqual(await store.rooms.addMember(room.id, 'v'), room);
      assert.deepEqual(await store.rooms.addMember(room.id, 'v'), room, 'a second join is a no-op');
      assert.deepEqual(await store.rooms.members(room.id, 10), ['owner', 'm1', 'v']);
      assert.deepEqual(await store.rooms.members(room.id, 2), ['owner', 'm1'], 'bounded');
      assert.deepEqual(await store.rooms.removeMember(room.id, 'v'), room);
      assert.equal(await store.rooms.isMember(room.id, 'v'), false);
      assert.deepEqual(await store.rooms.removeMember(room.id, 'v'), room, 'leaving twice is a no-op');
      assert.equal(await store.rooms.addMember('room_missing', 'v'), undefined);
      assert.equal(await store.rooms.removeMember('room_missing', 'v'), undefined);
    });

    it('lists the viewer’s rooms and public rooms by ordinal, in pages, never other users’ private rooms', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const viewer = freshId('viewer');
      const other = freshId('other');
      const pub1 = await newRoom(store, { ownerId: other });
      const secret = await newRoom(store, { private: true, ownerId: other });
      const mine = await newRoom(store, { private: true, ownerId: other, memberIds: [viewer] });
      const pubJoined = await newRoom(store, { ownerId: other, memberIds: [viewer] });
      const pub2 = await newRoom(store, { ownerId: viewer });
      assert.ok(pub1.ordinal < secret.ordinal && secret.ordinal < mine.ordinal && mine.ordinal < pubJoined.ordinal && pubJoined.ordinal < pub2.ordinal);
      const from = pub1.ordinal - 1;
      const all = await store.rooms.listVisible({ viewerId: viewer, afterOrdinal: from, limit: 100 });
      const ids = all.rooms.map((r) => r.id).filter((id) => [pub1, secret, mine, pubJoined, pub2].some((r) => r.id === id));
      assert.deepEqual(ids, [pub1.id, mine.id, pubJoined.id, pub2.id], 'ordered, deduplicated, without the secret room');
      const page1 = await store.rooms.listVisible({ viewerId: viewer, afterOrdinal: from, limit: 2 });
      assert.deepEqual(page1.rooms.map((r) => r.id), [pub1.id, mine.id]);
      assert.equal(page1.hasMore, true);
      const page2 = await store.rooms.listVisible({ viewerId: viewer, afterOrdinal: mine.ordinal, limit: 2 });
      assert.deepEqual(page2.rooms.map((r) => r.id), [pubJoined.id, pub2.id]);
      await store.rooms.removeMember(mine.id, viewer);
      const afterLeave = await store.rooms.listVisible({ viewerId: viewer, afterOrdinal: from, limit: 100 });
      assert.ok(!afterLeave.rooms.some((r) => r.id === mine.id), 'a private room left is no longer listed');
    });

    it('remembers user names', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const id = freshId('user');
      await store.users.remember({ id, name: 'First' });
      await store.users.remember({ id, name: 'Second' });
      const found = await store.users.getMany([id, 'never-seen']);
      assert.deepEqual(found.get(id), { id, name: 'Second' });
      assert.equal(found.has('never-seen'), false);
    });

    it('stores timers and refuses past the active limit; ended ones do not count', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const roomId = freshId('room');
      const first = timer(roomId, `${roomId}-t1`);
      assert.equal(await store.timers.create(first, 2), true);
      const second = timer(roomId, `${roomId}-t2`, { status: 'PAUSED', endsAt: null, nextDueAt: null });
      assert.equal(await store.timers.create(second, 2), true);
      const third = timer(roomId, `${roomId}-t3`);
      assert.equal(await store.timers.create(third, 2), false, 'two active: the limit');
      assert.equal(await store.timers.get(third.id), undefined, 'a refused timer is not stored');
      assert.deepEqual(await store.timers.get(first.id), first);
      assert.deepEqual((await store.timers.listByRoom(roomId, 10)).map((x) => x.id), [first.id, second.id]);
      assert.equal(await store.timers.transition({ ...second, status: 'STOPPED', version: 2, endedAt: 5_000 }, 1), true);
      assert.equal(await store.timers.create(third, 2), true);
      assert.deepEqual((await store.timers.listByRoom(roomId, 2)).map((x) => x.id), [second.id, third.id], 'the newest, oldest first');
    });

    it('transitions timers by compare-and-set on version, exactly once', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const roomId = freshId('room');
      const record = timer(roomId, `${roomId}-cas`);
      await store.timers.create(record, 20);
      const next = { ...record, version: 2, nextDueAt: 3_000 };
      const results = await Promise.all(Array.from({ length: 5 }, () => store.timers.transition(next, 1)));
      assert.equal(results.filter(Boolean).length, 1);
      assert.deepEqual(await store.timers.get(record.id), next);
      const finished = { ...next, status: 'FINISHED' as const, endsAt: null, nextDueAt: null, pausedRemainingMs: 0, version: 3, endedAt: 4_000 };
      assert.equal(await store.timers.transition(finished, 2), true);
      assert.equal(await store.timers.transition(finished, 2), false, 'finish happens once');
    });

    it('reports due timers in due order and follows changes of due time', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const roomId = freshId('room');
      const a = timer(roomId, `${roomId}-a`, { nextDueAt: 5_000 });
      const b = timer(roomId, `${roomId}-b`, { nextDueAt: 3_000 });
      const c = timer(roomId, `${roomId}-c`, { nextDueAt: 9_000 });
      for (const x of [a, b, c]) await store.timers.create(x, 20);
      const mine = (due: { timerId: string; dueAt: number }[]) => due.filter((d) => d.timerId.startsWith(roomId));
      assert.deepEqual(mine(await store.timers.due(5_000, 100)), [
        { timerId: b.id, dueAt: 3_000 },
        { timerId: a.id, dueAt: 5_000 },
      ]);
      assert.equal(mine(await store.timers.due(5_000, 100)).length, 2, 'reporting does not consume');
      await store.timers.transition({ ...b, version: 2, nextDueAt: 7_000 }, 1);
      await store.timers.transition({ ...a, status: 'PAUSED', endsAt: null, version: 2, nextDueAt: null }, 1);
      assert.deepEqual(mine(await store.timers.due(8_000, 100)), [{ timerId: b.id, dueAt: 7_000 }]);
      const nextDue = await store.timers.nextDueAt();
      assert.ok(nextDue !== undefined && nextDue <= 7_000);
      const afterB = await store.timers.nextDueAt(7_000);
      assert.ok(afterB !== undefined && afterB > 7_000 && afterB <= 9_000, 'the first due time after a given instant');
    });

    it('counts RUNNING timers: paused and ended ones are not counted', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const before = await store.timers.countRunning();
      const roomId = freshId('room');
      const a = timer(roomId, `${roomId}-a`);
      const b = timer(roomId, `${roomId}-b`);
      const paused = timer(roomId, `${roomId}-p`, { status: 'PAUSED', endsAt: null, nextDueAt: null });
      for (const x of [a, b, paused]) await store.timers.create(x, 20);
      assert.equal(await store.timers.countRunning(), before + 2);
      await store.timers.transition({ ...a, status: 'PAUSED', endsAt: null, nextDueAt: null, version: 2 }, 1);
      await store.timers.transition({ ...b, version: 2, nextDueAt: 3_000 }, 1);
      assert.equal(await store.timers.countRunning(), before + 1, 'a tick keeps it running; a pause does not');
      await store.timers.transition({ ...b, status: 'FINISHED', endsAt: null, nextDueAt: null, pausedRemainingMs: 0, version: 3, endedAt: 4_000 }, 2);
      assert.equal(await store.timers.countRunning(), before);
    });

    it('purges timers that ended before a given instant, in bounded batches', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const roomId = freshId('room');
      const ids = Array.from({ length: 5 }, (_, i) => `${roomId}-e${i}`);
      for (const [i, id] of ids.entries()) {
        const record = timer(roomId, id);
        await store.timers.create(record, 20);
        await store.timers.transition({ ...record, status: 'STOPPED', endsAt: null, nextDueAt: null, version: 2, endedAt: 100 + i }, 1);
      }
      const running = timer(roomId, `${roomId}-r`);
      await store.timers.create(running, 20);
      // Purge only below 103: other tests' timers end later than that, or never.
      assert.equal(await store.timers.purgeEnded(103, 2), 2);
      assert.equal(await store.timers.purgeEnded(103, 2), 1);
      assert.equal(await store.timers.purgeEnded(103, 2), 0);
      assert.deepEqual((await store.timers.listByRoom(roomId, 10)).map((x) => x.id), [ids[3], ids[4], running.id]);
      assert.equal(await store.timers.get(ids[0] ?? ''), undefined);
    });

    it('moves read pointers forward only', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const roomId = freshId('room');
      const receipt = (seq: number) => ({ roomId, userId: 'bob', userName: 'Bob', seq, messageId: `${roomId}.${seq}`, readAt: seq });
      assert.deepEqual(await store.receipts.advance(receipt(3)), { receipt: receipt(3), moved: true });
      assert.deepEqual(await store.receipts.advance(receipt(2)), { receipt: receipt(3), moved: false });
      assert.deepEqual(await store.receipts.advance(receipt(3)), { receipt: receipt(3), moved: false });
      assert.equal((await store.receipts.advance(receipt(7))).moved, true);
      assert.deepEqual(await store.receipts.get(roomId, 'bob'), receipt(7));
      assert.equal(await store.receipts.get(roomId, 'amy'), undefined);
    });

    it('keeps ids with separators apart (no key collides with another)', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      const a = await store.messages.append(message(roomId, { authorId: 'a\nb', clientId: 'c' }));
      const b = await store.messages.append(message(roomId, { authorId: 'a', clientId: 'b\nc' }));
      assert.notEqual(a.message.seq, b.message.seq);
      assert.equal(b.created, true);
    });

    it('queues one webhook delivery per subscribed endpoint with each new message, none for a repeated clientId', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const a = await newRoom(store);
      const b = await newRoom(store);
      const one = await newEndpoint([a.id]);
      const both = await newEndpoint([a.id, b.id]);
      const queuedCounts = [];
      queuedCounts.push((await store.messages.append(message(a.id, { clientId: 'k' }))).webhookDeliveries);
      queuedCounts.push((await store.messages.append(message(a.id))).webhookDeliveries);
      queuedCounts.push((await store.messages.append(message(b.id))).webhookDeliveries);
      const repeated = await store.messages.append(message(a.id, { clientId: 'k' }));
      assert.equal(repeated.created, false);
      queuedCounts.push(repeated.webhookDeliveries);
      queuedCounts.push((await store.messages.append(message((await newRoom(store)).id))).webhookDeliveries);
      assert.deepEqual(queuedCounts, [2, 2, 1, 0, 0], 'each append says how many deliveries it queued');
      const pendingOne = await store.webhooks.deliveries(one.id, 'PENDING', 100);
      assert.deepEqual(pendingOne.map((d) => [d.roomId, d.seq, d.attempts, d.status]), [[a.id, 1, 0, 'PENDING'], [a.id, 2, 0, 'PENDING']]);
      const pendingBoth = await store.webhooks.deliveries(both.id, 'PENDING', 100);
      assert.deepEqual(pendingBoth.map((d) => `${d.roomId === a.id ? 'a' : 'b'}${d.seq}`).sort(), ['a1', 'a2', 'b1']);
      const ids = [...pendingOne, ...pendingBoth].map((d) => d.id);
      assert.equal(new Set(ids).size, 5, 'every delivery has its own webhook-id');
      assert.deepEqual((await store.webhooks.listEndpoints()).filter((e) => e.id === both.id).map((e) => e.roomIds), [[a.id, b.id]]);
    });

    it('claims only the lowest pending seq of each endpoint and room; a lease keeps it from everyone else', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const a = await newRoom(store);
      const b = await newRoom(store);
      const names = { [a.id]: 'a', [b.id]: 'b' };
      const endpoint = await newEndpoint([a.id, b.id]);
      for (const roomId of [a.id, a.id, a.id, b.id]) await store.messages.append(message(roomId));
      const first = claimed(await store.webhooks.claim(1_000, 5_000, 100), endpoint.id);
      assert.deepEqual(labels(first, names), ['a1', 'b1']);
      assert.ok(first.every((c) => c.delivery.attempts === 1 && c.url === endpoint.url && c.secret === endpoint.secret));
      assert.deepEqual(claimed(await store.webhooks.claim(1_001, 5_000, 100), endpoint.id), [], 'heads are leased, the rest wait behind them');
      const a1 = first.find((c) => c.delivery.roomId === a.id);
      const b1 = first.find((c) => c.delivery.roomId === b.id);
      assert.ok(a1 && b1);
      await store.webhooks.delivered(a1.delivery);
      assert.deepEqual(labels(claimed(await store.webhooks.claim(1_002, 5_000, 100), endpoint.id), names), ['a2']);
      await store.webhooks.retryLater(b1.delivery, 1_500, 'HTTP 500');
      assert.deepEqual(claimed(await store.webhooks.claim(1_499, 5_000, 100), endpoint.id), [], 'not before its retry is due');
      const retried = claimed(await store.webhooks.claim(1_500, 5_000, 100), endpoint.id);
      assert.deepEqual(retried.map((c) => [c.delivery.id, c.delivery.attempts, c.delivery.lastError]), [[b1.delivery.id, 2, 'HTTP 500']], 'same webhook-id on retry');
    });

    it('claims a delivery again once its lease runs out (at least once); the stale claim decides nothing', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const room = await newRoom(store);
      const endpoint = await newEndpoint([room.id]);
      await store.messages.append(message(room.id));
      await store.messages.append(message(room.id));
      const [stale] = claimed(await store.webhooks.claim(1_000, 1_000, 100), endpoint.id);
      assert.ok(stale);
      const [again] = claimed(await store.webhooks.claim(2_000, 1_000, 100), endpoint.id);
      assert.deepEqual([again?.delivery.id, again?.delivery.seq, again?.delivery.attempts], [stale.delivery.id, 1, 2]);
      await store.webhooks.delivered(stale.delivery);
      await store.webhooks.failed(stale.delivery, 'too late');
      assert.deepEqual(claimed(await store.webhooks.claim(2_500, 1_000, 100), endpoint.id), [], 'the live claim still holds seq 1');
      assert.ok(again);
      await store.webhooks.delivered(again.delivery);
      assert.deepEqual(claimed(await store.webhooks.claim(2_600, 1_000, 100), endpoint.id).map((c) => c.delivery.seq), [2]);
      assert.deepEqual(await store.webhooks.deliveries(endpoint.id, 'FAILED', 100), []);
    });

    it('keeps a delivery that failed for good for admins to read, and lets the next seq go', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const room = await newRoom(store);
      const endpoint = await newEndpoint([room.id]);
      await store.messages.append(message(room.id));
      await store.messages.append(message(room.id));
      const [first] = claimed(await store.webhooks.claim(1_000, 1_000, 100), endpoint.id);
      assert.ok(first);
      await store.webhooks.failed(first.delivery, 'HTTP 503');
      const failed = await store.webhooks.deliveries(endpoint.id, 'FAILED', 100);
      assert.deepEqual(failed.map((d) => [d.id, d.seq, d.status, d.attempts, d.lastError]), [[first.delivery.id, 1, 'FAILED', 1, 'HTTP 503']]);
      assert.deepEqual(claimed(await store.webhooks.claim(1_001, 1_000, 100), endpoint.id).map((c) => c.delivery.seq), [2]);
    });

    it('hands each delivery to one of many concurrent claimers', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const rooms = await Promise.all(Array.from({ length: 12 }, () => newRoom(store)));
      const endpoint = await newEndpoint(rooms.map((r) => r.id));
      for (const room of rooms) for (let i = 0; i < 3; i++) await store.messages.append(message(room.id));
      const results = await Promise.all(Array.from({ length: 6 }, () => store.webhooks.claim(1_000, 10_000, 4)));
      const ids = results.flatMap((claims) => claimed(claims, endpoint.id).map((c) => c.delivery.id));
      assert.equal(new Set(ids).size, ids.length, 'no delivery claimed twice');
      const rest = claimed(await store.webhooks.claim(1_001, 10_000, 100), endpoint.id);
      assert.equal(ids.length + rest.length, 12, 'one head per room, all claimed once');
    });

    it('deletes an endpoint with its deliveries', async (t) => {
      const { store, newEndpoint } = await openWithWebhooks(make, t);
      const room = await newRoom(store);
      const endpoint = await newEndpoint([room.id]);
      await store.messages.append(message(room.id));
      const deleted = await store.webhooks.deleteEndpoint(endpoint.id);
      assert.deepEqual(deleted && { ...deleted, roomIds: [...deleted.roomIds] }, { ...endpoint, roomIds: [room.id] });
      assert.equal(await store.webhooks.deleteEndpoint(endpoint.id), undefined);
      assert.deepEqual(await store.webhooks.deliveries(endpoint.id, 'PENDING', 100), []);
      assert.ok(!(await store.webhooks.listEndpoints()).some((e) => e.id === endpoint.id));
      assert.deepEqual(claimed(await store.webhooks.claim(1_000, 1_000, 100), endpoint.id), []);
      await store.messages.append(message(room.id));
      assert.deepEqual(claimed(await store.webhooks.claim(1_001, 1_000, 100), endpoint.id), []);
    });

    it('finds the first message at or after a time (seqAt), past retention, or head + 1', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const { id: roomId } = await newRoom(store);
      assert.equal(await store.messages.seqAt(roomId, 0), 1, 'a room without messages');
      for (const createdAt of [1_000, 2_000, 2_000, 3_000]) await store.messages.append(message(roomId, { createdAt }));
      assert.equal(await store.messages.seqAt(roomId, 0), 1);
      assert.equal(await store.messages.seqAt(roomId, 1_500), 2);
      assert.equal(await store.messages.seqAt(roomId, 2_000), 2, 'ties go to the lowest seq');
      assert.equal(await store.messages.seqAt(roomId, 2_001), 4);
      assert.equal(await store.messages.seqAt(roomId, 3_001), 5, 'none at or after: head + 1');
      assert.equal(await store.messages.deleteOlderThan(1_500, 10) >= 1, true);
      assert.equal(await store.messages.seqAt(roomId, 0), 2, 'a deleted message is not found');
      assert.equal(await store.messages.seqAt(freshId('room'), 0), 1, 'an unknown room');
    });

    it('stores API keys: get, list newest first, revoke once, touch forward only', async (t) => {
      const { store, close } = await make();
      t.after(close);
      const key = (id: string, createdAt: number) => ({
        id,
        name: `key ${id}`,
        scopes: ['HISTORY_READ', 'EVENTS_SUBSCRIBE'] as const,
        roomIds: ['room_a', 'room_b'],
        secretHash: 'ab'.repeat(32),
        createdBy: 'admin',
        createdAt,
        lastUsedAt: null,
        revokedAt: null,
      });
      const first = freshId('key');
      const second = freshId('key');
      await store.apiKeys.create(key(first, 10_000_000_000_000));
      await store.apiKeys.create(key(second, 10_000_000_000_001));
      assert.deepEqual(await store.apiKeys.get(first), key(first, 10_000_000_000_000));
      assert.equal(await store.apiKeys.get(freshId('key')), undefined);
      const listed = (await store.apiKeys.list(2)).map((k) => k.id);
      assert.deepEqual(listed, [second, first]);
      await store.apiKeys.touch(first, 50);
      await store.apiKeys.touch(first, 40);
      assert.equal((await store.apiKeys.get(first))?.lastUsedAt, 50);
      assert.equal((await store.apiKeys.revoke(first, 60))?.revokedAt, 60);
      assert.equal((await store.apiKeys.revoke(first, 70))?.revokedAt, 60, 'the first revocation stands');
      assert.equal(await store.apiKeys.revoke(freshId('key'), 70), undefined);
      assert.equal((await store.apiKeys.get(second))?.revokedAt, null);
    });

    it('has an epoch and answers ping while healthy', async (t) => {
      const { store, close } = await make();
      t.after(close);
      assert.equal(typeof store.epoch, 'string');
      assert.ok(store.epoch.length > 0);
      await store.ping();
    });
  });
};
