// What only the Redis realtime half has to prove: shared subscriptions per instance, presence that outlives
// a dead instance only until its TTL and grace have passed, and an instance that closes releasing its own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisRealtime } from '../../src/engine/redis/redis-realtime.js';
import { createKeys } from '../../src/engine/redis/keys.js';
import type { RoomEventRecord } from '../../src/engine/types.js';
import { systemClock } from '../../src/lib/clock.js';
import { startTcpProxy } from '../client/helpers/tcp-proxy.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';

let redis: RedisServer;
let probe: Redis;
before(async () => {
  redis = await startRedis();
  probe = new Redis(redis.url);
});
after(async () => {
  probe.disconnect();
  await redis.stop();
});

let prefixes = 0;
const engineOn = (keyPrefix: string, overrides: { presenceTtlMs?: number; presenceGraceMs?: number; url?: string } = {}) =>
  createRedisRealtime({
    url: overrides.url ?? redis.url,
    keyPrefix,
    clock: systemClock,
    presenceGraceMs: overrides.presenceGraceMs ?? 5_000,
    presenceTtlMs: overrides.presenceTtlMs ?? 15_000,
    onError: () => undefined,
  });

describe('redis realtime', () => {
  it('holds one Redis channel subscription per room per instance, however many local subscribers', async (t) => {
    const prefix = `specific${++prefixes}`;
    const engine = await engineOn(prefix);
    t.after(() => engine.close());
    const channel = createKeys(prefix).room('room_shared').channel;
    const unsubscribes = await Promise.all(Array.from({ length: 10 }, () => engine.bus.subscribe('room_shared', () => undefined)));
    const numsub = async () => Number(((await probe.pubsub('NUMSUB', channel)) as [string, number])[1]);
    assert.equal(await numsub(), 1);
    assert.equal(engine.topicCount(), 1);
    for (const unsubscribe of unsubscribes.slice(1)) await unsubscribe();
    assert.equal(await numsub(), 1, 'still held by the last local subscriber');
    await unsubscribes[0]?.();
    await waitFor(async () => (await numsub()) === 0, { what: 'the channel to be released' });
  });

  it('costs the same Redis commands per published event whatever the number of subscribers', async (t) => {
    const prefix = `specific${++prefixes}`;
    const engine = await engineOn(prefix);
    t.after(() => engine.close());
    const commandsFor = async (subscribers: number, roomId: string) => {
      const received: RoomEventRecord[] = [];
      const unsubscribes = await Promise.all(Array.from({ length: subscribers }, () => engine.bus.subscribe(roomId, (event) => received.push(event))));
      const before = await totalCalls();
      for (let seq = 1; seq <= 20; seq++) {
        const message = { id: `${roomId}.${seq}`, roomId, seq, authorId: 'a', authorName: 'A', body: `m${seq}`, clientId: null, createdAt: 0 };
        await engine.bus.publish(roomId, { kind: 'message', message });
      }
      await waitFor(() => received.length >= 20 * subscribers, { what: `${20 * subscribers} deliveries` });
      const used = (await totalCalls()) - before;
      for (const unsubscribe of unsubscribes) await unsubscribe();
      return used;
    };
    // Every command the server executed, from INFO commandstats (includes the INFO calls themselves).
    const totalCalls = async () => {
      const info = await probe.info('commandstats');
      return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    const withOne = await commandsFor(1, 'room_one');
    const withFifty = await commandsFor(50, 'room_fifty');
    assert.equal(withFifty, withOne, `commands for 20 messages: ${withOne} with 1 subscriber, ${withFifty} with 50`);
  });

  it('sweeps only the rooms where something may expire, and still takes a user offline whose grace timer died', async (t) => {
    const prefix = `specific${++prefixes}`;
    // A sweep round every 100 ms (grace / 2).
    const engine = await engineOn(prefix, { presenceGraceMs: 200 });
    t.after(() => engine.close());
    const rooms = Array.from({ length: 300 }, (_, i) => `room_online_${i}`);
    for (const roomId of rooms) assert.equal(await engine.presence.connect(roomId, 'ann', 'Ann', 'conn-a'), true);
    const keys = createKeys(prefix);
    assert.equal(await probe.zcard(keys.presenceDue), 0, 'nobody is about to expire: no room is due');
    const calls = async () => [...(await probe.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    const before = await calls();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const used = (await calls()) - before;
    // About ten rounds of heartbeat and sweep (a handful of commands each): a sweep that visited every
    // room with presence would run 300 scripts a round.
    t.diagnostic(`${used} Redis commands in 1 s with 300 rooms with presence`);
    assert.ok(used < 300, `${used} commands in ~10 sweep rounds over 300 rooms with presence`);

    // The process that would have taken Ann offline after her grace period is gone: only the sweep can.
    const events: string[] = [];
    await engine.bus.subscribe('room_online_7', (event) => {
      if (event.kind === 'presence') events.push(`${event.userId}:${event.online}`);
    });
    assert.equal(await engine.presence.disconnect('room_online_7', 'ann', 'conn-a'), true);
    assert.equal(await probe.zcard(keys.presenceDue), 1);
    await waitFor(() => events.includes('ann:false'), { what: 'ann offline by the sweep', timeoutMs: 5_000 });
    assert.deepEqual(await engine.presence.online('room_online_7'), []);
    assert.deepEqual(await engine.presence.online('room_online_8'), ['ann'], 'her other rooms keep her');
    await waitFor(async () => (await probe.zcard(keys.presenceDue)) === 0, { what: 'the swept room to leave the due index' });
  });

  it("takes a dead instance's users offline once its TTL and grace have passed, while a live instance's stay", async () => {
    const prefix = `specific${++prefixes}`;
    // The dying instance reaches Redis through a proxy, so that it can die without saying goodbye.
    const network = await startTcpProxy(redis.port);
    const dying = await engineOn(prefix, { presenceTtlMs: 1_000, presenceGraceMs: 300, url: `redis://127.0.0.1:${network.port}` });
    const survivor = await engineOn(prefix, { presenceTtlMs: 1_000, presenceGraceMs: 300 });
    // A third instance sweeps too: it would end the survivor's connections if the survivor's heartbeat failed.
    const observer = await engineOn(prefix, { presenceTtlMs: 1_000, presenceGraceMs: 300 });
    try {
      const events: string[] = [];
      await survivor.bus.subscribe('room_p', (event) => {
        if (event.kind === 'presence') events.push(`${event.userId}:${event.online}`);
      });
      assert.equal(await dying.presence.connect('room_p', 'bob', 'Bob', 'conn-1'), true);
      // Carol connects through the live instance at the same moment: its heartbeat must keep her online.
      assert.equal(await survivor.presence.connect('room_p', 'carol', 'Carol', 'conn-2'), true);
      assert.deepEqual(await survivor.presence.online('room_p'), ['bob', 'carol']);
      // The instance dies without disconnecting anyone: its heartbeats just stop.
      const diedAt = Date.now();
      network.refuse(true);
      network.cut();
      await waitFor(() => events.includes('bob:false'), { what: 'bob offline after the TTL', timeoutMs: 6_000 });
      assert.ok(Date.now() - diedAt >= 1_000, 'not before the connection TTL');
      assert.deepEqual(events, ['bob:false'], 'offline published once, and only for the dead instance');
      assert.deepEqual(await survivor.presence.online('room_p'), ['carol']);
    } finally {
      await dying.close();
      await network.close();
      await survivor.close();
      await observer.close();
    }
  });

  it("releases its own presence when it closes: its users go offline after the grace period, not its TTL", async () => {
    const prefix = `specific${++prefixes}`;
    // A TTL far longer than the wait below: only the release can take bob offline in time.
    const leaving = await engineOn(prefix, { presenceTtlMs: 60_000, presenceGraceMs: 300 });
    const staying = await engineOn(prefix, { presenceTtlMs: 60_000, presenceGraceMs: 300 });
    try {
      const events: string[] = [];
      await staying.bus.subscribe('room_r', (event) => {
        if (event.kind === 'presence') events.push(`${event.userId}:${event.online}`);
      });
      await leaving.presence.connect('room_r', 'bob', 'Bob', 'conn-b');
      await staying.presence.connect('room_r', 'carol', 'Carol', 'conn-c');
      const instances = createKeys(prefix).instances;
      assert.equal(await probe.scard(instances), 2);
      await leaving.close();
      assert.equal(await probe.scard(instances), 1, 'the closed instance is no longer registered');
      await waitFor(() => events.includes('bob:false'), { what: 'bob offline after the grace period', timeoutMs: 5_000 });
      assert.deepEqual(events, ['bob:false']);
      assert.deepEqual(await staying.presence.online('room_r'), ['carol']);
    } finally {
      await staying.close();
    }
  });

  it('gives every local room a resync when its subscriber connection comes back, the first time too', async (t) => {
    const prefix = `specific${++prefixes}`;
    // Through a proxy, so that the connection can be cut without stopping the shared Redis.
    const network = await startTcpProxy(redis.port);
    t.after(() => network.close());
    const realtime = await engineOn(prefix, { url: `redis://127.0.0.1:${network.port}` });
    t.after(() => realtime.close());
    const kinds: string[] = [];
    await realtime.bus.subscribe('room_resync', (event) => kinds.push(event.kind));
    network.cut();
    await waitFor(() => kinds.includes('resync'), { timeoutMs: 5_000, what: 'a resync after the first reconnection' });
  });
});
