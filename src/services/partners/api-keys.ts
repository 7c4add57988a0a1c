import { z } from 'zod';
import type { ApiKeyHasher } from '../../auth/api-key-secret.js';
import { keyPrincipalId } from '../../auth/principal.js';
import type { ApiKeyRecord, Engine } from '../../engine/types.js';
import { badInput, notFound } from '../../errors/index.js';
import { createAdminCheck } from '../admins.js';
import { isCleanText } from '../../lib/clean-text.js';
import type { Clock } from '../../lib/clock.js';
import { zodToBadInput } from '../zod-to-bad-input.js';
import type { KeyRevocations } from './api-keys-revocation.js';

export const API_KEY_NAME_MAX = 100;
/** Rooms one key may name: its grant is read whole with every request. */
export const API_KEY_ROOMS_MAX = 100;
/** `apiKeys` lists at most this many, newest first. */
export const API_KEYS_LISTED_MAX = 1_000;

const CreateApiKeyInput = z.object({
  name: z.string().trim().min(1).max(API_KEY_NAME_MAX).refine(isCleanText, 'name must be well-formed text'),
  scopes: z
    .array(z.enum(['HISTORY_READ', 'EVENTS_SUBSCRIBE']))
    .min(1, 'a key needs at least one scope')
    .transform((scopes) => [...new Set(scopes)]),
  roomIds: z
    .array(z.string().min(1).max(128))
    .min(1, 'a key must name at least one room')
    .max(API_KEY_ROOMS_MAX, `a key names at most ${API_KEY_ROOMS_MAX} rooms`)
    .transform((ids) => [...new Set(ids)]),
});

export interface CreatedApiKey {
  apiKey: ApiKeyRecord;
  /** `rk_<id>.<secret>`, shown only here. */
  secret: string;
}

export interface ApiKeyService {
  list(callerId: string): Promise<ApiKeyRecord[]>;
  create(callerId: string, input: z.input<typeof CreateApiKeyInput>): Promise<CreatedApiKey>;
  /** Revoked in the store, then every open stream of the key is told, room by room; resolves after both. */
  revoke(callerId: string, keyId: string): Promise<ApiKeyRecord>;
}

export interface ApiKeyServiceDeps {
  engine: Pick<Engine, 'apiKeys' | 'rooms' | 'bus'>;
  hasher: ApiKeyHasher;
  revocations: KeyRevocations;
  clock: Clock;
  adminUserIds: readonly string[];
}

export const createApiKeyService = ({ engine, hasher, revocations, clock, adminUserIds }: ApiKeyServiceDeps): ApiKeyService => {
  const onlyAdmins = createAdminCheck(adminUserIds);
  const requireAdmin = (callerId: string) => onlyAdmins(callerId, 'API keys');
  return {
    async list(callerId) {
      requireAdmin(callerId);
      return engine.apiKeys.list(API_KEYS_LISTED_MAX);
    },
    async create(callerId, rawInput) {
      requireAdmin(callerId);
      const input = zodToBadInput(CreateApiKeyInput, rawInput);
      const rooms = await Promise.all(input.roomIds.map((id) => engine.rooms.get(id)));
      const missing = input.roomIds.filter((_id, index) => rooms[index] === undefined);
      if (missing.length > 0) throw badInput(`roomIds names rooms that do not exist: ${missing.join(', ')}`, { argument: 'roomIds' });
      const minted = hasher.mint();
      const apiKey: ApiKeyRecord = {
        id: minted.id,
        name: input.name,
        scopes: input.scopes,
        roomIds: input.roomIds,
        secretHash: minted.secretHash,
        createdBy: callerId,
        createdAt: clock.now(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await engine.apiKeys.create(apiKey);
      return { apiKey, secret: minted.token };
    },
    async revoke(callerId, keyId) {
      requireAdmin(callerId);
      const key = await engine.apiKeys.revoke(keyId, clock.now());
      if (!key) throw notFound('API key');
      revocations.markRevoked(key.id);
      // On each granted room's own topic, so that every instance's streams of the key see it in order
      // with the room's messages: none of them delivers a message published after this returns. Sent
      // again on a repeated revoke, which repairs a publish that was lost.
      const member = keyPrincipalId(key.id);
      await Promise.all(key.roomIds.map((roomId) => engine.bus.publish(roomId, { kind: 'membership', roomId, userId: member, member: false })));
      return key;
    },
  };
};
