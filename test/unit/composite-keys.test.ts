// Keys joined from user-controlled parts must not collide: with a newline as the separator, the pairs
// (room 'r\nx', user 'y') and (room 'r', user 'x\ny') were one key, so one user's typing renewal
// cancelled the other's expiry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import type { RoomEventRecord } from '../../src/engine/types.js';
import { createManualClock } from '../../src/lib/clock.js';
import { compositeKey } from '../../src/lib/composite-key.js';
import { createServices } from '../../src/services/index.js';

const TYPING_TTL_MS = 5_000;

describe('composite keys', () => {
  it('keep pairs apart that a newline separator would join', () => {
    assert.notEqual(compositeKey('r\nx', 'y'), compositeKey('r', 'x\ny'));
    assert.notEqual(compositeKey('a', 'b', 'c'), compositeKey('a', 'b\nc'));
    assert.equal(compositeKey('r', 'y'), compositeKey('r', 'y'));
  });

  it("one user's typing in one room does not cancel another's expiry in another room whose ids join to the same text", async () => {
    const clock = createManualClock();
    const engine = createMemoryEngine();
    const services = createServices({
      engine,
      clock,
      limits: loadConfig({ TYPING_TTL_MS: String(TYPING_TTL_MS) }).limits,
      onError: (error) => {
        throw error;
      },
    });
    // Room ids are chosen here (the service makes random ones) to build the collision.
    const rooms = [
      { roomId: 'r\nx', user: { userId: 'y', name: 'Y' } },
      { roomId: 'r', user: { userId: 'x\ny', name: 'XY' } },
    ];
    const seen: string[] = [];
    for (const { roomId } of rooms) {
      await engine.rooms.create({ id: roomId, name: roomId, private: false, ownerId: 'owner', memberIds: [], createdAt: clock.now() });
      await engine.bus.subscribe(roomId, (event: RoomEventRecord) => {
        if (event.kind === 'typing') seen.push(JSON.stringify([event.roomId, event.userId, event.typing]));
      });
    }
    for (const { roomId, user } of rooms) await services.typing.set(user, roomId, true);
    clock.advance(TYPING_TTL_MS);
    for (let i = 0; i < 10; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(seen.sort(), [
      JSON.stringify(['r', 'x\ny', false]),
      JSON.stringify(['r', 'x\ny', true]),
      JSON.stringify(['r\nx', 'y', false]),
      JSON.stringify(['r\nx', 'y', true]),
    ].sort());
    assert.deepEqual(await services.typing.list('r\nx'), []);
    await services.stop();
  });
});
