// Presence, typing and the server countdown as two real clients in one room see them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomcastClientError, type CountdownView, type Person } from '../../client/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { useProxiedServer } from './helpers/proxied-server.js';

const ids = (people: readonly Person[]) => people.map((person) => person.id);

describe('room helpers', () => {
  const running = useProxiedServer();

  it('shows who is online and who is typing, and rebuilds both after a reconnect', async (t) => {
    const alice = await clientFor(t, running.server().url, 'alice');
    const bob = await clientFor(t, running.proxy().url, 'bob');
    const room = await alice.createRoom({ name: 'people' });
    const aliceRoom = await alice.openRoom(room.id);
    const bobRoom = await bob.openRoom(room.id, { typingIdleMs: 60_000 });
    t.after(() => aliceRoom.close());
    t.after(() => bobRoom.close());

    await waitFor(() => ids(aliceRoom.online.get()).join() === 'alice,bob', { what: () => `alice sees both online (${ids(aliceRoom.online.get())})` });
    await waitFor(() => ids(bobRoom.online.get()).join() === 'alice,bob', { what: 'bob sees both online' });

    bobRoom.typingKeystroke();
    await waitFor(() => ids(aliceRoom.typing.get()).join() === 'bob', { what: 'alice sees bob typing' });
    assert.deepEqual(bobRoom.typing.get(), [], 'the viewer is not listed as typing');

    // Bob's socket drops and comes back inside the presence grace period: he stays online for alice, and
    // his own lists are rebuilt from the new snapshots (typing is still on: its TTL has not passed).
    const statuses: string[] = [];
    bob.status.subscribe((status) => statuses.push(status));
    running.proxy().cut();
    // The reconnect can take a few milliseconds: read the recorded transitions, not the current status.
    await waitFor(() => statuses.includes('reconnecting') && bob.status.get() === 'connected', { timeoutMs: 10_000, what: 'bob reconnects' });
    await waitFor(() => ids(bobRoom.online.get()).join() === 'alice,bob', { what: 'bob sees both online again' });
    assert.deepEqual(ids(aliceRoom.online.get()), ['alice', 'bob']);

    bobRoom.send('done typing');
    await waitFor(() => aliceRoom.typing.get().length === 0, { what: 'sending clears the typing indicator' });
  });

  it('renders the server remainingMs, the same in both clients, held while paused', async (t) => {
    const alice = await clientFor(t, running.server().url, 'alice');
    const bob = await clientFor(t, running.server().url, 'bob');
    const room = await alice.createRoom({ name: 'countdown' });
    const aliceRoom = await alice.openRoom(room.id);
    const bobRoom = await bob.openRoom(room.id);
    t.after(() => aliceRoom.close());
    t.after(() => bobRoom.close());

    const aliceSeen: CountdownView[] = [];
    const bobSeen: CountdownView[] = [];
    aliceRoom.countdown.subscribe((view) => view && aliceSeen.push(view));
    bobRoom.countdown.subscribe((view) => view && bobSeen.push(view));

    const timer = await aliceRoom.startCountdown(4_000, 'question 1');
    const ticks = (seen: CountdownView[]) => seen.filter((view) => view.id === timer.id && view.status === 'RUNNING' && view.remainingMs % 1_000 === 0 && view.remainingMs < 4_000);
    await waitFor(() => ticks(aliceSeen).length >= 2 && ticks(bobSeen).length >= 2, { timeoutMs: 10_000, what: 'two ticks in both' });
    assert.deepEqual(ticks(aliceSeen).slice(0, 2).map((view) => view.remainingMs), [3_000, 2_000]);
    assert.deepEqual(ticks(bobSeen).slice(0, 2).map((view) => view.remainingMs), [3_000, 2_000]);

    await assert.rejects(bobRoom.pauseCountdown(), (error: unknown) => error instanceof RoomcastClientError && error.code === 'FORBIDDEN');
    const held = await aliceRoom.pauseCountdown();
    await waitFor(() => aliceRoom.countdown.get()?.status === 'PAUSED' && bobRoom.countdown.get()?.status === 'PAUSED', { what: 'both paused' });
    assert.equal(aliceRoom.countdown.get()?.remainingMs, held.remainingMs);
    assert.equal(bobRoom.countdown.get()?.remainingMs, held.remainingMs, 'the same held milliseconds in both');

    // Nothing counts down locally while paused: the next value either client shows is the resume.
    const bobValuesWhilePaused = bobSeen.length;
    await aliceRoom.resumeCountdown();
    await waitFor(() => bobSeen.length > bobValuesWhilePaused, { what: 'bob sees the resume' });
    assert.equal(bobSeen[bobValuesWhilePaused]?.status, 'RUNNING');
    const resumedAt = bobSeen[bobValuesWhilePaused]?.remainingMs ?? 0;
    assert.ok(resumedAt <= held.remainingMs && held.remainingMs - resumedAt < 100, `resumed from ${resumedAt}, held ${held.remainingMs}`);

    await aliceRoom.stopCountdown();
    await waitFor(() => bobRoom.countdown.get()?.status === 'STOPPED', { what: 'bob sees the stop' });
    // A new countdown replaces the ended one in both.
    const next = await bobRoom.startCountdown(60_000);
    await waitFor(() => aliceRoom.countdown.get()?.id === next.id, { what: 'alice follows the newer countdown' });
    await bobRoom.stopCountdown();
  });
});
