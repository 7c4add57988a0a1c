import type { ApiKeyRecord, ApiKeyStore, ApiScope } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string[];
  room_ids: string[];
  secret_hash: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const columns = 'id, name, scopes, room_ids, secret_hash, created_by, created_at, last_used_at, revoked_at';

const toKey = (row: ApiKeyRow): ApiKeyRecord =>
  Object.freeze({
    id: row.id,
    name: row.name,
    scopes: row.scopes as ApiScope[], // written only from ApiScope values (create below)
    roomIds: row.room_ids,
    secretHash: row.secret_hash,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  });

export const createPostgresApiKeyStore = (db: Queryable): ApiKeyStore => ({
  async create(key) {
    await db.query({
      name: 'roomcast-api-keys-create',
      text: `INSERT INTO api_keys (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      values: [key.id, key.name, key.scopes, key.roomIds, key.secretHash, key.createdBy, key.createdAt, key.lastUsedAt, key.revokedAt],
    });
  },
  async get(id) {
    const { rows } = await db.query<ApiKeyRow>({
      name: 'roomcast-api-keys-get',
      text: `SELECT ${columns} FROM api_keys WHERE id = $1`,
      values: [id],
    });
    return rows[0] && toKey(rows[0]);
  },
  async list(limit) {
    const { rows } = await db.query<ApiKeyRow>({
      name: 'roomcast-api-keys-list',
      text: `SELECT ${columns} FROM api_keys ORDER BY created_at DESC, id DESC LIMIT $1`,
      values: [limit],
    });
    return rows.map(toKey);
  },
  async revoke(id, atMs) {
    // COALESCE: the first revocation's time stands, and the row is returned either way.
    const { rows } = await db.query<ApiKeyRow>({
      name: 'roomcast-api-keys-revoke',
      text: `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING ${columns}`,
      values: [id, atMs],
    });
    return rows[0] && toKey(rows[0]);
  },
  async touch(id, atMs) {
    await db.query({
      name: 'roomcast-api-keys-touch',
      text: 'UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)',
      values: [id, atMs],
    });
  },
});
