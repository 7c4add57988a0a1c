// The room service remembers public rooms as visible to all (rooms are never deleted and never change
// privacy), so writes to them skip a read of the room; private rooms are read every time, so membership
// changes take effect at once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import type { Engine } from '../../src/engine/types.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { createServices } from '../../src/services/index.js';

/** The memory engine, counting room reads. */
const countingEngine = (): { engine: Engine; reads: () => number } => {
  const engine = createMemoryEngine();
  let reads = 0;
  const get = engine.rooms.get.bind(engine.rooms);
  engine.rooms.get = (roomId) => {
    reads += 1;
    return get(roomId);
  };
  return { engine, reads: () => reads };
};

const isNotFound = (error: unknown) => error instanceof RoomcastError && error.code === ErrorCode.NotFound;

describe('room visibility checks', () => {
  const setup = () => {
    const { engine, reads } = countingEngine();
    const services = createServices({ engine, clock: createManualClock(), limits: loadConfig({}).limits, onError: () => undefined });
    return { services, reads };
  };

  it('a public room is read once, then every viewer may write to it without a read', async () => {
    const { services, reads } = setup();
    const room = await services.rooms.create('alice', { name: 'open' });
    const before = reads();
    await services.rooms.requireVisible('bob', room.id);
    assert.equal(reads(), before + 1);
    await services.messages.send({ userId: 'carol', name: 'Carol' }, { roomId: room.id, body: 'hi' });
    await services.rooms.requireVisible('dave', room.id);
    assert.equal(reads(), before + 1);
  });

  it('a private room is read on every check, so a member who leaves is refused at once', async () => {
    const { services, reads } = setup();
    const room = await services.rooms.create('alice', { name: 'closed', private: true, memberIds: ['bob'] });
    await services.rooms.requireVisible('bob', room.id);
    const before = reads();
    await services.rooms.requireVisible('bob', room.id);
    assert.equal(reads(), before + 1);
    await assert.rejects(services.rooms.requireVisible('mallory', room.id), isNotFound);
    await services.rooms.leave('bob', room.id);
    await assert.rejects(services.messages.send({ userId: 'bob', name: 'Bob' }, { roomId: room.id, body: 'gone' }), isNotFound);
  });

  it('an unknown room is NOT_FOUND every time, and is not remembered', async () => {
    const { services, reads } = setup();
    await assert.rejects(services.rooms.requireVisible('alice', 'room_missing'), isNotFound);
    await assert.rejects(services.rooms.requireVisible('alice', 'room_missing'), isNotFound);
    assert.equal(reads(), 2);
  });
});
