// Timer services on the memory engine and a manual clock: no real waiting, exact instants.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryEngine } from '../../src/engine/memory/memory-engine.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';
import { createManualClock } from '../../src/lib/clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createServices } from '../../src/services/index.js';
import type { TimerStreamItem } from '../../src/services/timers/timer-stream.js';
import { isLiveSource, type PublicRoomEvent } from '../../src/services/room-stream.js';
import { stateEvent } from '../../src/services/timers/timer-service.js';

const alice = { userId: 'alice', name: 'Alice' };
const holder = (user: { userId: string; name: string }) => ({ userId: user.userId, userName: user.name, connectionId: `conn-${user.userId}` });
const bob = { userId: 'bob', name: 'Bob' };
const carol = { userId: 'carol', name: 'Carol' };

const setup = async () => {
  const clock = createManualClock();
  const engine = createMemoryEngine();
  const errors: unknown[] = [];
  const services = createServices({
    engine,
    clock,
    limits: loadConfig({ RATE_LIMIT_TIMERS: '1000/1' }).limits,
    onError: (error) => errors.push(error),
  });
  const room = await services.rooms.create(alice.userId, { name: 'quiz', memberIds: [bob.userId] });
  // Lets the scheduler's engine calls (promises) run after the manual clock fired its timeout.
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };
  const advance = async (ms: number) => {
    clock.advance(ms);
    await settle();
  };
  return { clock, engine, services, room, errors, settle, advance };
};

const view = (items: TimerStreamItem[]) =>
  items.map((item) => (item.kind === 'error' ? item.error.code : `${item.kind}:${item.timer.status}:${item.remainingMs}`));

const assertCode = (code: ErrorCode) => (error: unknown) => error instanceof RoomcastError && error.code === code;

describe('timers', () => {
  it('a 3,000 ms timer with 1,000 ms ticks reports 2,000 and 1,000, then one FINISHED with 0, then completes', async () => {
    const { services, room, settle, advance, errors } = await setup();
    const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 3_000, tickMs: 1_000 });
    const stream = await services.timerEvents.open(holder(bob), timer.id);
    assert.ok(stream);
    const seen: TimerStreamItem[] = [];
    let done = false;
    // One pending next() at a time, as graphql-ws consumes it.
    const pump = async () => {
      for (;;) {
        const result = await stream.next();
        if (result.done) {
          done = true;
          return;
        }
        seen.push(result.value);
      }
    };
    const pumping = pump();
    await settle();
    assert.deepEqual(view(seen), ['timer:RUNNING:3000'], 'current state first');
    await advance(999);
    assert.equal(seen.length, 1, 'nothing before the first boundary');
    await advance(1);
    await advance(1_000);
    await advance(1_000);
    await pumping;
    assert.deepEqual(view(seen), ['timer:RUNNING:3000', 'timer-tick:RUNNING:2000', 'timer-tick:RUNNING:1000', 'timer:FINISHED:0']);
    assert.equal(done, true);
    await advance(5_000);
    assert.equal(seen.length, 4, 'exactly one FINISHED');
    assert.deepEqual(errors, []);
    assert.equal((await services.timers.find(bob.userId, timer.id))?.status, 'FINISHED');
  });

  it('takes running ticks through a live sink once the state was pulled; stale versions are dropped and the finish is pulled', async () => {
    const { services, engine, clock, room, settle, advance } = await setup();
    const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 3_000, tickMs: 1_000 });
    const stream = await services.timerEvents.open(holder(bob), timer.id);
    assert.ok(stream);
    const live: PublicRoomEvent[] = [];
    assert.ok(isLiveSource(stream), 'a timer stream offers the live path');
    stream.attachLive((item) => (live.push(item), true));
    const pulled: TimerStreamItem[] = [];
    let done = false;
    const pumping = (async () => {
      for (let result = await stream.next(); !result.done; result = await stream.next()) pulled.push(result.value);
      done = true;
    })();
    await settle();
    assert.deepEqual(view(pulled), ['timer:RUNNING:3000'], 'current state first, pulled');
    await advance(1_000);
    // An event of a version already shown (a resnapshot, a late duplicate) reaches neither path.
    await engine.bus.publish(room.id, stateEvent(timer, clock.now()));
    await settle();
    await advance(1_000);
    await advance(1_000);
    await pumping;
    const liveView = live.map((item) => (item.kind === 'timer' || item.kind === 'timer-tick' ? `${item.kind}:${item.timer.status}:${item.remainingMs}` : item.kind));
    assert.deepEqual(liveView, ['timer-tick:RUNNING:2000', 'timer-tick:RUNNING:1000'], 'each running tick once, through the sink');
    assert.deepEqual(view(pulled), ['timer:RUNNING:3000', 'timer:FINISHED:0'], 'the finish is pulled, and ends the stream');
    assert.equal(done, true);
  });

  it('pause holds remainingMs and clears endsAt; resume continues; stop ends it', async () => {
    const { services, room, advance, clock } = await setup();
    const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 10_000, tickMs: 1_000 });
    await advance(2_500);
    const paused = await services.timers.pause(bob.userId === timer.startedBy ? bob : alice, timer.id);
    assert.equal(paused.status, 'PAUSED');
    assert.equal(paused.endsAt, null);
    assert.equal(paused.pausedRemainingMs, 7_500);
    await advance(60_000);
    const still = await services.timers.find(alice.userId, timer.id);
    assert.equal(still?.pausedRemainingMs, 7_500, 'time does not pass while paused');
    assert.equal(still?.status, 'PAUSED');

    const resumed = await services.timers.resume(alice, timer.id);
    assert.equal(resumed.status, 'RUNNING');
    assert.equal(resumed.endsAt, clock.now() + 7_500);
    const stream = await services.timerEvents.open(holder(alice), timer.id);
    assert.ok(stream);
    const first = await stream.next();
    assert.equal(!first.done && first.value.kind !== 'error' && first.value.remainingMs, 7_500, 'a late subscriber sees the current time at once');
    const tick = stream.next();
    await advance(500);
    const ticked = await tick;
    assert.equal(!ticked.done && ticked.value.kind === 'timer-tick' && ticked.value.remainingMs, 7_000, 'ticks stay aligned after a resume');

    await advance(1_200);
    const stopped = await services.timers.stop(alice, timer.id);
    assert.equal(stopped.status, 'STOPPED');
    assert.equal(stopped.endsAt, null);
    // The stream ends after the STOPPED event.
    const items: string[] = [];
    for (let result = await stream.next(); !result.done; result = await stream.next()) {
      if (result.value.kind !== 'error') items.push(`${result.value.kind}:${result.value.timer.status}`);
    }
    assert.deepEqual(items.at(-1), 'timer:STOPPED');
    await advance(20_000);
    assert.equal((await services.timers.find(alice.userId, timer.id))?.status, 'STOPPED', 'a stopped timer never finishes');
  });

  it('a subscriber that arrives after the end gets the final state and completes', async () => {
    const { services, room, advance } = await setup();
    const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 1_000 });
    await advance(1_000);
    const stream = await services.timerEvents.open(holder(alice), timer.id);
    assert.ok(stream);
    const first = await stream.next();
    assert.equal(!first.done && first.value.kind !== 'error' && first.value.timer.status, 'FINISHED');
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('refuses what the rules forbid and changes nothing', async () => {
    const { services, room, advance } = await setup();
    const timer = await services.timers.start(bob, { roomId: room.id, durationMs: 5_000 });
    const before = await services.timers.find(alice.userId, timer.id);

    await assert.rejects(services.timers.start(carol, { roomId: room.id, durationMs: 5_000 }), assertCode(ErrorCode.Forbidden), 'non-member may not start');
    await assert.rejects(services.timers.pause(carol, timer.id), assertCode(ErrorCode.Forbidden), 'neither starter nor owner');
    await assert.rejects(services.timers.stop(carol, timer.id), assertCode(ErrorCode.Forbidden));
    for (const durationMs of [999, 86_400_001, 0, -5]) {
      await assert.rejects(services.timers.start(bob, { roomId: room.id, durationMs }), assertCode(ErrorCode.BadUserInput), `durationMs ${durationMs}`);
    }
    for (const tickMs of [99, 60_001]) {
      await assert.rejects(services.timers.start(bob, { roomId: room.id, durationMs: 5_000, tickMs }), assertCode(ErrorCode.BadUserInput), `tickMs ${tickMs}`);
    }
    assert.deepEqual(await services.timers.find(alice.userId, timer.id), before, 'refusals changed nothing');
    assert.equal((await services.timers.listByRoom(room.id)).length, 1, 'refused starts stored nothing');

    // The owner may pause a timer someone else started.
    assert.equal((await services.timers.pause(alice, timer.id)).status, 'PAUSED');
    await services.timers.stop(bob, timer.id);
    const stopped = await services.timers.find(alice.userId, timer.id);
    for (const operation of [services.timers.pause, services.timers.resume, services.timers.stop]) {
      await assert.rejects(operation(bob, timer.id), assertCode(ErrorCode.TimerEnded));
    }
    await advance(10_000);
    assert.deepEqual(await services.timers.find(alice.userId, timer.id), stopped, 'operations on an ended timer changed nothing');
  });

  it('allows at most 20 active timers per room', async () => {
    const { services, room } = await setup();
    const started = [];
    for (let i = 0; i < 20; i++) started.push(await services.timers.start(alice, { roomId: room.id, durationMs: 60_000 }));
    await assert.rejects(services.timers.start(alice, { roomId: room.id, durationMs: 60_000 }), assertCode(ErrorCode.LimitExceeded));
    assert.equal((await services.timers.listByRoom(room.id)).length, 20);
    const first = started[0];
    assert.ok(first);
    await services.timers.stop(alice, first.id);
    await services.timers.start(alice, { roomId: room.id, durationMs: 60_000 });
    assert.equal((await services.timers.listByRoom(room.id, 'RUNNING')).length, 20);
  });

  it('keeps timers of private rooms invisible to outsiders', async () => {
    const { services } = await setup();
    const secret = await services.rooms.create(alice.userId, { name: 'secret', private: true });
    const timer = await services.timers.start(alice, { roomId: secret.id, durationMs: 5_000 });
    assert.equal(await services.timers.find(carol.userId, timer.id), undefined);
    assert.equal(await services.timerEvents.open(holder(carol), timer.id), undefined);
    await assert.rejects(services.timers.stop(carol, timer.id), assertCode(ErrorCode.NotFound));
    await assert.rejects(services.timers.start(carol, { roomId: secret.id, durationMs: 5_000 }), assertCode(ErrorCode.NotFound));
  });

  it('drives many timers from one scheduler without drift', async () => {
    const { services, room, advance, engine } = await setup();
    const other = await services.rooms.create(alice.userId, { name: 'other' });
    const emitted = new Map<string, string[]>();
    for (const roomId of [room.id, other.id]) {
      await engine.bus.subscribe(roomId, (event) => {
        if (event.kind !== 'timer' && event.kind !== 'timer-tick') return;
        const list = emitted.get(event.timer.id) ?? [];
        list.push(event.kind === 'timer-tick' ? String(event.remainingMs) : event.timer.status);
        emitted.set(event.timer.id, list);
      });
    }
    const timers = [];
    for (let i = 0; i < 10; i++) {
      timers.push(await services.timers.start(alice, { roomId: i % 2 ? room.id : other.id, durationMs: 1_000 + i * 250, tickMs: 250 }));
      await advance(37);
    }
    // Time passes in steps, as it does for a real event loop between timeouts.
    for (let elapsed = 0; elapsed < 5_000; elapsed += 50) await advance(50);
    for (const timer of timers) {
      assert.equal((await services.timers.find(alice.userId, timer.id))?.status, 'FINISHED');
      const ticks: string[] = [];
      for (let remaining = Math.floor((timer.durationMs - 1) / 250) * 250; remaining > 0; remaining -= 250) ticks.push(String(remaining));
      assert.deepEqual(emitted.get(timer.id), ['RUNNING', ...ticks, 'FINISHED'], `every tick of ${timer.durationMs} ms once, then one finish`);
    }
  });

  it('isolates a timer whose processing fails: the others finish on time, and the failing one is retried with a growing backoff', async () => {
    const { services, room, advance, engine, errors } = await setup();
    const broken = await services.timers.start(alice, { roomId: room.id, durationMs: 1_000, tickMs: 1_000 });
    // The store cannot read this one timer back (as a corrupt record would fail to decode).
    const get = engine.timers.get.bind(engine.timers);
    let attempts = 0;
    engine.timers.get = async (timerId) => {
      if (timerId === broken.id) {
        attempts += 1;
        throw new Error('cannot decode timer');
      }
      return get(timerId);
    };
    const other = await services.rooms.create(bob.userId, { name: 'elsewhere' });
    const healthy = await services.timers.start(bob, { roomId: other.id, durationMs: 2_000, tickMs: 1_000 });
    const finishedAt: number[] = [];
    await engine.bus.subscribe(other.id, (event) => {
      if (event.kind === 'timer' && event.timer.status === 'FINISHED') finishedAt.push(event.at);
    });
    for (let elapsed = 0; elapsed < 2_000; elapsed += 50) await advance(50);
    assert.deepEqual(finishedAt, [healthy.endsAt], 'the healthy timer finished once, exactly at its deadline');
    // Tried once when due (at 1 s), again after 1 s: never in a tight loop.
    assert.equal(attempts, 2);
    for (let elapsed = 0; elapsed < 10_000; elapsed += 100) await advance(100);
    // Backoff 1 s, 2 s, 4 s, 8 s: by 12 s after the deadline, at most five attempts in all.
    assert.ok(attempts >= 4 && attempts <= 5, `attempts: ${attempts}`);
    assert.ok(errors.length === attempts && errors.every((error) => error instanceof Error && error.message.includes(broken.id)), 'each failure is logged, naming the timer');
    // Once the store can read it again, it finishes.
    engine.timers.get = get;
    for (let elapsed = 0; elapsed < 20_000; elapsed += 500) await advance(500);
    assert.equal((await services.timers.find(alice.userId, broken.id))?.status, 'FINISHED');
  });

  it('keeps ended timers only for a while: they stop being listed, and never count against the limit', async () => {
    const clock = createManualClock();
    const engine = createMemoryEngine();
    const services = createServices({
      engine,
      clock,
      limits: loadConfig({ RATE_LIMIT_TIMERS: '1000/1', ENDED_TIMER_RETENTION_MS: '60000' }).limits,
      onError: () => undefined,
    });
    const room = await services.rooms.create(alice.userId, { name: 'quiz' });
    for (let i = 0; i < 30; i++) {
      const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 60_000 });
      await services.timers.stop(alice, timer.id);
    }
    assert.equal((await services.timers.listByRoom(room.id)).length, 30);
    await services.start();
    // Retention passes run every minute; time moves in steps, as a real event loop lets them run.
    for (let elapsed = 0; elapsed <= 125_000; elapsed += 1_000) {
      clock.advance(1_000);
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    assert.equal((await services.timers.listByRoom(room.id)).length, 0, 'purged once the retention passed');
    await services.stop();
  });

  it('a finish the bus lost is not lost to timerTicked: after a resync the stream reads the state and completes', async () => {
    const { services, room, advance, engine, settle } = await setup();
    const timer = await services.timers.start(alice, { roomId: room.id, durationMs: 1_000, tickMs: 1_000 });
    const stream = await services.timerEvents.open(holder(bob), timer.id);
    assert.ok(stream);
    const seen: TimerStreamItem[] = [];
    let done = false;
    void (async () => {
      for (let result = await stream.next(); !result.done; result = await stream.next()) seen.push(result.value);
      done = true;
    })();
    await settle();
    // The bus drops what the scheduler publishes from now on, as Redis does while it restarts.
    const publish = engine.bus.publish.bind(engine.bus);
    engine.bus.publish = async () => undefined;
    await advance(1_500);
    assert.equal((await services.timers.find(alice.userId, timer.id))?.status, 'FINISHED', 'the store has the finish');
    assert.equal(done, false, 'the subscriber did not hear of it');
    engine.bus.publish = publish;
    await engine.bus.publish(room.id, { kind: 'resync', roomId: room.id });
    await settle();
    assert.deepEqual(view(seen), ['timer:RUNNING:1000', 'timer:FINISHED:0']);
    assert.equal(done, true);
  });
});
