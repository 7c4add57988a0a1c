import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTokenVerifier, signToken } from '../../src/auth/jwt.js';
import { ErrorCode, RoomcastError } from '../../src/errors/index.js';

const SECRET = 'unit-test-secret-0123456789';
const isUnauthenticated = (error: unknown) => error instanceof RoomcastError && error.code === ErrorCode.Unauthenticated;

describe('token verification', () => {
  it('accepts a valid token, and keeps refusing it once it has expired even after caching it', async () => {
    let nowMs = 1_800_000_000_000;
    const verifier = createTokenVerifier(SECRET, () => nowMs);
    const token = await signToken({ secret: SECRET, userId: 'alice', name: 'Alice', expiresInSec: 60, nowMs });
    assert.deepEqual(await verifier.verify(token), { kind: 'user', userId: 'alice', name: 'Alice', expiresAt: nowMs + 60_000 });
    assert.equal((await verifier.verifyAuthorization(`Bearer ${token}`)).userId, 'alice', 'served again (from the cache)');
    nowMs += 61_000;
    await assert.rejects(verifier.verify(token), isUnauthenticated);
  });

  it('refuses a subject that would pass for an API key (key:…)', async () => {
    const verifier = createTokenVerifier(SECRET);
    await assert.rejects(verifier.verify(await signToken({ secret: SECRET, userId: 'key:abc' })), isUnauthenticated);
  });

  it('refuses forged, malformed and missing tokens', async () => {
    const verifier = createTokenVerifier(SECRET);
    const forged = await signToken({ secret: 'another-secret-0123456789', userId: 'mallory' });
    for (const header of [`Bearer ${forged}`, 'Bearer not.a.jwt', 'Basic abc', undefined, '']) {
      await assert.rejects(verifier.verifyAuthorization(header), isUnauthenticated, String(header));
    }
  });
});
