// Timers end to end, on real time: a real server process, HTTP mutations, graphql-ws subscribers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gqlData, gqlErrorCode } from '../helpers/graphql-http.js';
import { startServer, type AppFixture } from '../helpers/app-fixture.js';
import { tokenFor } from '../helpers/tokens.js';
import { connectWs } from '../helpers/ws-client.js';

interface Tick {
  timerTicked: { remainingMs: number; serverTime: string; timer: { id: string; status: string; remainingMs: number; endsAt: string | null } };
}
interface RoomEvent {
  roomEvents: { __typename: string; timer?: { id: string; status: string } };
}

describe('timers over graphql-ws (real time)', () => {
  let server: AppFixture;
  let alice: string;
  let bob: string;
  let roomId: string;
  before(async () => {
    server = await startServer();
    alice = await tokenFor('alice', 'Alice');
    bob = await tokenFor('bob', 'Bob');
    const created = await gqlData<{ createRoom: { id: string } }>(server.url, {
      token: alice,
      query: 'mutation { createRoom(input: { name: "quiz", memberIds: ["bob"] }) { id } }',
    });
    roomId = created.createRoom.id;
  });
  after(() => server.stop());

  it('a 3,000 ms timer with 1,000 ms ticks reports 2,000 and 1,000, then FINISHED with 0, and completes', async (t) => {
    const ws = connectWs(server.wsUrl, bob);
    t.after(() => ws.dispose());
    const events = ws.subscribe<RoomEvent>(`subscription($roomId: ID!) { roomEvents(roomId: $roomId) { __typename ... on TimerChanged { timer { id status } } } }`, { roomId });
    // The subscriber's own arrival (PresenceChanged) shows the stream is live: a timer started before
    // that would be missed by a live-only subscription.
    await events.waitForCount(1);

    const { startTimer } = await gqlData<{ startTimer: { id: string; status: string; remainingMs: number; endsAt: string } }>(server.url, {
      token: alice,
      query: 'mutation($roomId: ID!) { startTimer(input: { roomId: $roomId, durationMs: 3000, tickMs: 1000, label: "Q1" }) { id status remainingMs endsAt } }',
      variables: { roomId },
    });
    assert.equal(startTimer.status, 'RUNNING');
    const ticks = ws.subscribe<Tick>(
      'subscription($id: ID!) { timerTicked(timerId: $id) { remainingMs serverTime timer { id status remainingMs endsAt } } }',
      { id: startTimer.id },
    );
    await ticks.waitForComplete(8_000);
    const [current, ...rest] = ticks.items.map((item) => item.timerTicked);
    assert.ok(current);
    assert.equal(current.timer.status, 'RUNNING', 'the current state comes first');
    assert.ok(current.remainingMs <= 3_000 && current.remainingMs > 1_000, `current remaining ${current.remainingMs}`);
    assert.deepEqual(
      rest.map((tick) => [tick.remainingMs, tick.timer.status, tick.timer.remainingMs]),
      [
        [2_000, 'RUNNING', 2_000],
        [1_000, 'RUNNING', 1_000],
        [0, 'FINISHED', 0],
      ],
    );
    assert.equal(rest.at(-1)?.timer.endsAt, null);
    assert.deepEqual(ticks.errors, []);

    // roomEvents shows the changes of state, never the ticks.
    await events.waitForCount(3);
    assert.deepEqual(
      events.items.slice(1).map((item) => [item.roomEvents.__typename, item.roomEvents.timer?.status]),
      [
        ['TimerChanged', 'RUNNING'],
        ['TimerChanged', 'FINISHED'],
      ],
    );
    const { timer } = await gqlData<{ timer: { status: string; remainingMs: number } }>(server.url, {
      token: bob,
      query: 'query($id: ID!) { timer(id: $id) { status remainingMs } }',
      variables: { id: startTimer.id },
    });
    assert.deepEqual(timer, { status: 'FINISHED', remainingMs: 0 });
  });

  it('pauses, resumes and stops over HTTP, with coded refusals that change nothing', async () => {
    const { startTimer } = await gqlData<{ startTimer: { id: string } }>(server.url, {
      token: bob,
      query: 'mutation($roomId: ID!) { startTimer(input: { roomId: $roomId, durationMs: 60000 }) { id } }',
      variables: { roomId },
    });
    const id = startTimer.id;
    const carol = await tokenFor('carol');
    assert.equal(await gqlErrorCode(server.url, { token: carol, query: 'mutation($id: ID!) { pauseTimer(id: $id) { id } }', variables: { id } }), 'FORBIDDEN');
    assert.equal(
      await gqlErrorCode(server.url, { token: carol, query: 'mutation($r: ID!) { startTimer(input: { roomId: $r, durationMs: 500 }) { id } }', variables: { r: roomId } }),
      'BAD_USER_INPUT',
    );
    const paused = await gqlData<{ pauseTimer: { status: string; endsAt: string | null; remainingMs: number } }>(server.url, {
      token: alice, // the room owner may pause a timer bob started
      query: 'mutation($id: ID!) { pauseTimer(id: $id) { status endsAt remainingMs } }',
      variables: { id },
    });
    assert.equal(paused.pauseTimer.status, 'PAUSED');
    assert.equal(paused.pauseTimer.endsAt, null);
    const resumed = await gqlData<{ resumeTimer: { status: string; endsAt: string | null; remainingMs: number } }>(server.url, {
      token: bob,
      query: 'mutation($id: ID!) { resumeTimer(id: $id) { status endsAt remainingMs } }',
      variables: { id },
    });
    assert.equal(resumed.resumeTimer.status, 'RUNNING');
    assert.ok(resumed.resumeTimer.endsAt !== null);
    assert.ok(resumed.resumeTimer.remainingMs <= paused.pauseTimer.remainingMs);
    const stopped = await gqlData<{ stopTimer: { status: string } }>(server.url, { token: bob, query: 'mutation($id: ID!) { stopTimer(id: $id) { status } }', variables: { id } });
    assert.equal(stopped.stopTimer.status, 'STOPPED');
    assert.equal(await gqlErrorCode(server.url, { token: bob, query: 'mutation($id: ID!) { resumeTimer(id: $id) { id } }', variables: { id } }), 'TIMER_ENDED');
    const { room } = await gqlData<{ room: { timers: { id: string; status: string }[] } }>(server.url, {
      token: bob,
      query: 'query($r: ID!) { room(id: $r) { timers(status: STOPPED) { id status } } }',
      variables: { r: roomId },
    });
    assert.ok(room.timers.some((timer) => timer.id === id));
  });
});
