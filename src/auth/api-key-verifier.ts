import type { ApiKeyStore } from '../engine/types.js';
import { ErrorCode, RoomcastError } from '../errors/index.js';
import type { ApiKeyHasher } from './api-key-secret.js';
import { keyPrincipalId, type KeyPrincipal } from './principal.js';

/** `lastUsedAt` is written at most this often per key per instance: a key in use would otherwise write on every read. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyVerifier {
  /** The principal of a live key, or `UNAUTHENTICATED` (malformed, unknown, wrong secret, revoked: one answer for all). */
  verify(token: string): Promise<KeyPrincipal>;
}

export interface ApiKeyVerifierDeps {
  keys: Pick<ApiKeyStore, 'get' | 'touch'>;
  hasher: ApiKeyHasher;
  now: () => number;
  onError: (error: unknown) => void;
}

/**
 * Reads the key from the store on every request: a revocation takes effect at once on every instance,
 * for the cost of one primary-key read.
 */
export const createApiKeyVerifier = ({ keys, hasher, now, onError }: ApiKeyVerifierDeps): ApiKeyVerifier => {
  const lastTouched = new Map<string, number>();
  const refused = () => new RoomcastError(ErrorCode.Unauthenticated, 'API key is invalid or revoked');
  const touch = (id: string) => {
    const at = now();
    if ((lastTouched.get(id) ?? -Infinity) > at - LAST_USED_RESOLUTION_MS) return;
    lastTouched.set(id, at);
    // Bounded: ids only enter after a successful check, and old entries are only a throttle.
    if (lastTouched.size > 10_000) lastTouched.delete(lastTouched.keys().next().value ?? id);
    keys.touch(id, at).catch(onError);
  };
  return {
    async verify(token) {
      const parsed = hasher.parse(token);
      if (!parsed) throw refused();
      const key = await keys.get(parsed.id);
      if (!key || !hasher.matches(parsed.secret, key.secretHash) || key.revokedAt !== null) throw refused();
      touch(key.id);
      return {
        kind: 'key',
        userId: keyPrincipalId(key.id),
        name: key.name,
        expiresAt: undefined,
        keyId: key.id,
        scopes: new Set(key.scopes),
        roomIds: new Set(key.roomIds),
      };
    },
  };
};
