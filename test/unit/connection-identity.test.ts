// The per-socket identity on a manual clock: when it closes the socket, and what refreshAuth changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokenVerifier, signToken } from '../../src/auth/jwt.js';
import { createManualClock, type Clock } from '../../src/lib/clock.js';
import { ConnectionIdentity } from '../../src/transport/connection-identity.js';
import { codeOf } from '../helpers/error-code.js';
import { TEST_SECRET } from '../helpers/tokens.js';

const DAY_MS = 24 * 3600 * 1000;

/** A socket as `ws` shows it to the identity: it records closes. */
const fakeSocket = () => {
  const socket = {
    readyState: 1,
    closes: [] as [number, string][],
    close(code: number, reason: string) {
      socket.closes.push([code, reason]);
      socket.readyState = 3;
    },
  };
  return socket;
};

const setup = async (expiresInSec: number | undefined, { timersRun = true, socketOpen = true } = {}) => {
  const clock = createManualClock();
  const delays: number[] = [];
  // Records every delay asked for (none may overflow setTimeout's 32-bit range); with `timersRun` false
  // none runs, as when the event loop is too busy to get to them.
  const recording: Clock = {
    now: clock.now,
    setTimeout: (fn, ms) => {
      delays.push(ms);
      return timersRun ? clock.setTimeout(fn, ms) : () => undefined;
    },
  };
  const verifier = createTokenVerifier(TEST_SECRET, clock.now);
  const sign = (userId: string, sec: number, name?: string) => signToken({ secret: TEST_SECRET, userId, name, expiresInSec: sec, nowMs: clock.now() });
  const socket = fakeSocket();
  if (!socketOpen) socket.readyState = 3;
  const principal = expiresInSec === undefined ? { userId: 'ann', name: 'Ann', expiresAt: undefined } : await verifier.verify(await sign('ann', expiresInSec, 'Ann'));
  const identity = new ConnectionIdentity(socket, principal, verifier, recording);
  return { clock, delays, socket, identity, sign };
};

describe('connection identity', () => {
  it('closes the socket with 4403 exactly when exp passes', async () => {
    const { clock, socket, identity } = await setup(60);
    clock.advance(59_999);
    assert.deepEqual(socket.closes, []);
    assert.equal(identity.current()?.userId, 'ann');
    clock.advance(1);
    assert.deepEqual(socket.closes, [[4403, 'Token expired']]);
    assert.equal(identity.current(), undefined);
  });

  it('waits for a token that lives longer than setTimeout can count in capped steps', async () => {
    const { clock, delays, socket } = await setup(60 * 24 * 3600);
    assert.ok(delays.every((ms) => ms <= 2_147_483_647), `delays ${delays.join(', ')}`);
    clock.advance(59 * DAY_MS);
    assert.deepEqual(socket.closes, []);
    clock.advance(DAY_MS);
    assert.deepEqual(socket.closes, [[4403, 'Token expired']]);
    assert.ok(delays.length > 1, 'more than one step');
  });

  it('refuses an operation on an expired token even before its timer has run', async () => {
    const { clock, socket, identity } = await setup(10, { timersRun: false });
    clock.advance(10_000);
    assert.equal(identity.current(), undefined);
    assert.deepEqual(socket.closes, [[4403, 'Token expired']]);
  });

  it('a token without exp never closes the socket', async () => {
    const { clock, delays, socket, identity } = await setup(undefined);
    clock.advance(365 * DAY_MS);
    assert.deepEqual(socket.closes, []);
    assert.deepEqual(delays, []);
    assert.equal(identity.current()?.userId, 'ann');
  });

  it('refresh moves the close to the new exp and replaces the name; refusals change nothing', async () => {
    const { clock, socket, identity, sign } = await setup(60);
    await assert.rejects(identity.refresh(await sign('bob', 3_600)), (error) => codeOf(error) === 'FORBIDDEN');
    await assert.rejects(identity.refresh('not-a-jwt'), (error) => codeOf(error) === 'UNAUTHENTICATED');
    assert.equal(identity.current()?.name, 'Ann');

    clock.advance(30_000);
    const next = await identity.refresh(`Bearer ${await sign('ann', 120, 'Annie')}`);
    assert.equal(next.name, 'Annie');
    assert.equal(identity.current()?.name, 'Annie');
    clock.advance(60_000); // past the first exp
    assert.deepEqual(socket.closes, []);
    clock.advance(60_000); // the second exp
    assert.deepEqual(socket.closes, [[4403, 'Token expired']]);
  });

  it('a closed socket cancels the timer, and refresh is refused after it', async () => {
    const { clock, socket, identity, sign } = await setup(60);
    // What graphql-ws's onClose does when the client closes.
    socket.close(1000, 'bye');
    identity.close();
    clock.advance(120_000);
    assert.deepEqual(socket.closes, [[1000, 'bye']]);
    await assert.rejects(identity.refresh(await sign('ann', 3_600)), (error) => codeOf(error) === 'UNAUTHENTICATED');
  });

  it('a socket that closed while connection_init was verified gets no timer', async () => {
    const { clock, delays, socket } = await setup(10, { socketOpen: false });
    clock.advance(20_000);
    assert.deepEqual(delays, []);
    assert.deepEqual(socket.closes, []);
  });
});
