import type { ApiKeyRecord, ApiKeyStore } from '../types.js';

/** API keys in this process, by id. */
export const createMemoryApiKeyStore = (): ApiKeyStore => {
  const keys = new Map<string, ApiKeyRecord>();
  return {
    async create(key) {
      keys.set(key.id, Object.freeze({ ...key, scopes: [...key.scopes], roomIds: [...key.roomIds] }));
    },
    async get(id) {
      return keys.get(id);
    },
    async list(limit) {
      return [...keys.values()].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).slice(0, limit);
    },
    async revoke(id, atMs) {
      const key = keys.get(id);
      if (!key || key.revokedAt !== null) return key;
      const revoked = Object.freeze({ ...key, revokedAt: atMs });
      keys.set(id, revoked);
      return revoked;
    },
    async touch(id, atMs) {
      const key = keys.get(id);
      if (key && (key.lastUsedAt === null || key.lastUsedAt < atMs)) keys.set(id, Object.freeze({ ...key, lastUsedAt: atMs }));
    },
  };
};
