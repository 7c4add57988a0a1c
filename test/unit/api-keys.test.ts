import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApiKeyHasher } from '../../src/auth/api-key-secret.js';
import { loadConfig } from '../../src/config/config.js';
import { createMemoryApiKeyStore } from '../../src/engine/memory/memory-api-keys.js';
import { createManualClock } from '../../src/lib/clock.js';
import { pullIterator } from '../../src/lib/pull-iterator.js';
import { createKeyRevocations, KeyStream } from '../../src/services/partners/api-keys-revocation.js';
import type { StreamItem } from '../../src/services/room-stream.js';

describe('API keys', () => {
  it('mints rk_<id>.<secret> tokens whose secret only matches its own keyed hash', () => {
    const hasher = createApiKeyHasher({ hashSecret: undefined, jwtSecret: 'a-jwt-secret-of-some-length' });
    const minted = hasher.mint();
    assert.match(minted.token, /^rk_[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{43}$/);
    const parsed = hasher.parse(minted.token);
    assert.equal(parsed?.id, minted.id);
    assert.equal(hasher.matches(parsed?.secret ?? '', minted.secretHash), true);
    const secret = parsed?.secret ?? '';
    // One character changed (to one it surely is not), so the check cannot pass by chance.
    const altered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(hasher.matches(altered, minted.secretHash), false);
    assert.equal(hasher.parse('rk_short.secret'), undefined);
    // The hash is keyed: another server secret gives another hash for the same secret.
    const other = createApiKeyHasher({ hashSecret: 'x'.repeat(32), jwtSecret: 'a-jwt-secret-of-some-length' });
    assert.equal(other.matches(parsed?.secret ?? '', minted.secretHash), false);
    assert.ok(!minted.secretHash.includes(parsed?.secret ?? '-'));
  });

  it('reads ADMIN_USER_IDS as a trimmed list, empty by default', () => {
    assert.deepEqual(loadConfig({}).adminUserIds, []);
    assert.deepEqual(loadConfig({ ADMIN_USER_IDS: ' ada, bob ,,ada' }).adminUserIds, ['ada', 'bob']);
    assert.deepEqual(loadConfig({}).apiKeys.reads, { points: 600, durationSec: 60 });
    assert.equal(loadConfig({}).historyCacheMaxAgeSec, 3_600);
  });

  it('ends a key stream within the poll interval once the store says the key is revoked', async () => {
    const clock = createManualClock();
    const keys = createMemoryApiKeyStore();
    await keys.create({ id: 'k1', name: 'k', scopes: ['EVENTS_SUBSCRIBE'], roomIds: ['r'], secretHash: '00', createdBy: 'a', createdAt: 0, lastUsedAt: null, revokedAt: null });
    const revocations = createKeyRevocations({ keys, clock, onError: () => undefined });
    let closed = false;
    // A quiet room: the inner stream never yields until it is closed.
    let release: () => void = () => undefined;
    const inner = pullIterator<StreamItem>(
      () => new Promise((resolve) => (release = () => resolve({ done: true, value: undefined }))),
      async () => {
        closed = true;
        release();
      },
    );
    const stream = new KeyStream(inner, { keyId: 'k1', revocations, clock, pollMs: 2_000 });
    const next = stream.next();
    clock.advance(2_000);
    await new Promise((resolve) => setImmediate(resolve));
    await keys.revoke('k1', clock.now()); // revoked elsewhere: no bus event reaches this instance
    clock.advance(2_000);
    const item = await next;
    assert.equal(item.done, false);
    assert.equal(item.value?.kind === 'error' && item.value.error.extensions['code'], 'UNAUTHENTICATED');
    assert.equal(closed, true);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });
});
