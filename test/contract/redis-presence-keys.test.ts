// The connections an instance holds in a room are listed in one Redis set, one entry per (user,
// connection). Joined with a newline, the entry of user 'bob\nx' on connection 'conn-b' was read back as
// user 'bob' on connection 'x\nconn-b': when the instance left, bob\nx's connection was never ended and
// he stayed online for good.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRedisRealtime } from '../../src/engine/redis/redis-realtime.js';
import { systemClock } from '../../src/lib/clock.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(() => redis.stop());

const engineOn = (keyPrefix: string) =>
  createRedisRealtime({
    url: redis.url,
    keyPrefix,
    clock: systemClock,
    presenceGraceMs: 300,
    // Far longer than the wait below: only the leaving instance's release can end its connections in time.
    presenceTtlMs: 60_000,
    onError: () => undefined,
  });

describe('redis presence keys', () => {
  it("ends a leaving instance's connection of a user whose id contains a newline", async () => {
    const leaving = await engineOn('held-keys');
    const staying = await engineOn('held-keys');
    try {
      const events: string[] = [];
      await staying.bus.subscribe('room_k', (event) => {
        if (event.kind === 'presence') events.push(JSON.stringify([event.userId, event.online]));
      });
      assert.equal(await leaving.presence.connect('room_k', 'bob\nx', 'Bob', 'conn-b'), true);
      assert.equal(await staying.presence.connect('room_k', 'bob', 'Bob', 'conn-c'), true);
      await leaving.close();
      await waitFor(() => events.length > 0, { what: "bob\\nx offline after the grace period", timeoutMs: 5_000 });
      assert.deepEqual(events, [JSON.stringify(['bob\nx', false])]);
      assert.deepEqual(await staying.presence.online('room_k'), ['bob'], 'the other user with the prefix of that id stays');
    } finally {
      await staying.close();
    }
  });
});
