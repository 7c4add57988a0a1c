// The memory store pages in O(page) too: listing a viewer's rooms does not walk other users' private
// rooms, and a join costs the same in a room of 3,000 members as in an empty one. (Ratios within one run.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryStore } from '../../src/engine/memory/memory-store.js';
import type { Store } from '../../src/engine/types.js';
import { median, timedMedian } from '../helpers/timing.js';


let rooms = 0;
const room = (store: Store, ownerId: string, isPrivate: boolean, memberIds: string[] = []) =>
  store.rooms.create({ id: `room_scale${++rooms}`, name: 'r', private: isPrivate, ownerId, memberIds, createdAt: 0 });

describe('memory store at scale', () => {
  it('lists a viewer’s 3 rooms as fast with 20,000 private rooms of another user as with none', async () => {
    const store = createMemoryStore();
    for (let i = 0; i < 3; i++) await room(store, 'viewer', true);
    const list = () => store.rooms.listVisible({ viewerId: 'viewer', afterOrdinal: 0, limit: 20 });
    const before = await timedMedian(list, 200);
    for (let i = 0; i < 20_000; i++) await room(store, 'someone-else', true);
    const page = await list();
    assert.equal(page.rooms.length, 3);
    assert.equal(page.hasMore, false);
    const after = await timedMedian(list, 200);
    assert.ok(after <= before * 3 + 0.05, `median listVisible: ${before.toFixed(4)} ms with none, ${after.toFixed(4)} ms with 20,000`);
  });

  it('joins the 3,000th member as fast as the first', async () => {
    const store = createMemoryStore();
    const crowded = await room(store, 'owner', false);
    const joinMs: number[] = [];
    for (let i = 0; i < 3_000; i++) {
      const began = performance.now();
      await store.rooms.addMember(crowded.id, `member${i}`);
      joinMs.push(performance.now() - began);
    }
    const first = median(joinMs.slice(0, 200));
    const last = median(joinMs.slice(-200));
    assert.ok(last <= first * 3 + 0.05, `median join: first 200 ${first.toFixed(4)} ms, last 200 ${last.toFixed(4)} ms`);
    assert.equal(await store.rooms.isMember(crowded.id, 'member2999'), true);
  });
});
