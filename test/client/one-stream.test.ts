// A room is one subscription: roomEvents carries messages, timer, presence and typing changes, and each
// change reaches the client once (no second stream, no frame that says only `{"__typename": …}`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Person } from '../../client/index.js';
import { waitFor } from '../helpers/wait-for.js';
import { clientFor } from './helpers/clients.js';
import { useProxiedServer } from './helpers/proxied-server.js';
import { recordingWebSocket } from './helpers/recording-websocket.js';

const ids = (people: readonly Person[]) => people.map((person) => person.id);

interface NextPayload {
  data?: { roomEvents?: { __typename: string; event?: { typing?: boolean; user?: { id: string } } } };
}

describe('one stream per room', () => {
  const running = useProxiedServer();

  it('subscribes once per open room and receives each presence and typing change once', async (t) => {
    const recorded = recordingWebSocket();
    const alice = await clientFor(t, running.server().url, 'alice', { webSocketImpl: recorded.WebSocket });
    const bob = await clientFor(t, running.server().url, 'bob');
    const room = await alice.createRoom({ name: 'one stream' });
    const aliceRoom = await alice.openRoom(room.id);
    t.after(() => aliceRoom.close());

    const bobRoom = await bob.openRoom(room.id, { typingIdleMs: 60_000 });
    t.after(() => bobRoom.close());
    await waitFor(() => ids(aliceRoom.online.get()).join() === 'alice,bob', { what: () => `alice sees bob online (${ids(aliceRoom.online.get())})` });
    bobRoom.typingKeystroke();
    await waitFor(() => ids(aliceRoom.typing.get()).join() === 'bob', { what: 'alice sees bob typing' });
    // A sentinel on the same ordered stream: once alice has it, every earlier change has arrived too.
    bobRoom.send('sentinel');
    await waitFor(() => aliceRoom.timeline.get().some((entry) => entry.body === 'sentinel'), { what: 'alice gets the sentinel' });

    // Sending clears bob's indicator.
    await waitFor(() => aliceRoom.typing.get().length === 0, { what: 'sending clears the typing indicator' });

    const subscribes = recorded.frames.filter((frame) => frame.type === 'subscribe');
    assert.deepEqual(
      subscribes.map((frame) => /subscription (\w+)/.exec(frame.payload?.query ?? '')?.[1]),
      ['RoomEvents'],
      'one subscription for the room: no presence, typing or timerTicked stream without a countdown',
    );
    const events = recorded.received
      .filter((frame) => frame.type === 'next' && frame.id === subscribes[0]?.id)
      .map((frame) => (frame.payload as NextPayload).data?.roomEvents);
    for (const event of events) assert.ok(event?.__typename === 'MessageAdded' || event?.event?.user, `every frame carries its change: ${JSON.stringify(event)}`);
    const bobsChanges = (typename: string) => events.filter((event) => event?.__typename === typename && event.event?.user?.id === 'bob');
    assert.equal(bobsChanges('PresenceChanged').length, 1, 'bob coming online arrives once');
    assert.deepEqual(
      bobsChanges('TypingChanged').map((event) => event?.event?.typing),
      [true, false],
      'bob starting and stopping to type arrive once each',
    );
  });
});
