import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { createServices } from '../../src/services/index.js';

describe('write rate limits', () => {
  it('a burst of 60 sendMessage sees RATE_LIMITED with retryAfterMs, and stores only what it accepted', async () => {
    const engine = createMemoryEngine();
    const services = createServices({ engine, clock: createManualClock(), limits: loadConfig({}).limits, onError: () => undefined });
    const room = await services.rooms.create('alice', { name: 'burst' });
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => services.messages.send({ userId: 'alice', name: 'Alice' }, { roomId: room.id, body: `b${i}` })),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    const accepted = results.filter((r) => r.status === 'fulfilled');
    assert.equal(accepted.length, 30, 'the default budget is 30 per window');
    for (const refusal of refused) {
      const error = refusal.reason as unknown;
      assert.ok(error instanceof RoomcastError && error.code === ErrorCode.RateLimited);
      const retryAfterMs = error.extensions['retryAfterMs'];
      assert.ok(typeof retryAfterMs === 'number' && retryAfterMs > 0);
    }
    assert.equal(await engine.messages.head(room.id), 30, 'history holds exactly the accepted messages');
    // Budgets are per user and per class: another user and another class are unaffected.
    await services.messages.send({ userId: 'bob', name: 'Bob' }, { roomId: room.id, body: 'still fine' });
    await services.typing.set({ userId: 'alice', name: 'Alice' }, room.id, true);
  });
});
