import type { WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord, WebhookStore } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface EndpointRow {
  id: string;
  url: string;
  secret: string;
  created_at: string;
  room_ids: string[];
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  room_id: string;
  seq: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
}

const deliveryColumns = 'id, endpoint_id, room_id, seq, status, attempts, next_attempt_at, last_error, created_at';

// Room ids in the order the admin gave them.
const roomIdsOf = (endpoint: string) =>
  `COALESCE((SELECT array_agg(s.room_id ORDER BY s.position) FROM webhook_subscriptions s WHERE s.endpoint_id = ${endpoint}), '{}')`;

const toEndpoint = (row: EndpointRow): WebhookEndpointRecord =>
  Object.freeze({ id: row.id, url: row.url, secret: row.secret, createdAt: Number(row.created_at), roomIds: Object.freeze([...row.room_ids]) });

const toDelivery = (row: DeliveryRow): WebhookDeliveryRecord =>
  Object.freeze({
    id: row.id,
    endpointId: row.endpoint_id,
    roomId: row.room_id,
    seq: Number(row.seq),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: Number(row.next_attempt_at),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
  });

/** $1 now, $2 lease ms, $3 limit. */
const claimSql = `WITH heads AS (
                    -- The lowest pending seq of each (endpoint, room): nothing behind it may go first.
                    SELECT DISTINCT ON (endpoint_id, room_id) id
                      FROM webhook_deliveries
                     WHERE status = 'PENDING'
                     ORDER BY endpoint_id, room_id, seq
                  ), picked AS (
                    -- The conditions are on d, so they are checked again on the row as it is once locked
                    -- (READ COMMITTED): a head another instance claimed or settled meanwhile is skipped.
                    SELECT d.id FROM webhook_deliveries d JOIN heads h ON h.id = d.id
                     WHERE d.status = 'PENDING' AND d.next_attempt_at <= $1 AND d.leased_until <= $1
                     ORDER BY d.next_attempt_at
                     LIMIT $3
                     FOR UPDATE OF d SKIP LOCKED
                  )
                  UPDATE webhook_deliveries d
                     SET attempts = d.attempts + 1, leased_until = $1::bigint + $2::bigint
                    FROM picked, webhook_endpoints e
                   WHERE d.id = picked.id AND e.id = d.endpoint_id
               RETURNING d.id, d.endpoint_id, d.room_id, d.seq, d.status, d.attempts, d.next_attempt_at, d.last_error, d.created_at,
                         e.url, e.secret`;

export const createPostgresWebhookStore = (db: Queryable): WebhookStore => ({
  async createEndpoint(endpoint) {
    // One statement: the endpoint and its rooms appear together.
    await db.query({
      name: 'roomcast-webhooks-create',
      text: `WITH endpoint AS (
               INSERT INTO webhook_endpoints (id, url, secret, created_at) VALUES ($1, $2, $3, $4) RETURNING id
             )
             INSERT INTO webhook_subscriptions (room_id, endpoint_id, position)
             SELECT r.room_id, endpoint.id, r.position FROM endpoint, unnest($5::text[]) WITH ORDINALITY AS r (room_id, position)`,
      values: [endpoint.id, endpoint.url, endpoint.secret, endpoint.createdAt, [...new Set(endpoint.roomIds)]],
    });
    return Object.freeze({ ...endpoint, roomIds: Object.freeze([...new Set(endpoint.roomIds)]) });
  },

  async listEndpoints() {
    const { rows } = await db.query<EndpointRow>({
      name: 'roomcast-webhooks-list',
      text: `SELECT e.id, e.url, e.secret, e.created_at, ${roomIdsOf('e.id')} AS room_ids FROM webhook_endpoints e ORDER BY e.created_at, e.id`,
    });
    return rows.map(toEndpoint);
  },

  async deleteEndpoint(endpointId) {
    // The room ids are read in the same statement, before the cascade removes them.
    const { rows } = await db.query<EndpointRow>({
      name: 'roomcast-webhooks-delete',
      text: `WITH doomed AS (SELECT e.id, e.url, e.secret, e.created_at, ${roomIdsOf('e.id')} AS room_ids FROM webhook_endpoints e WHERE e.id = $1),
                  deleted AS (DELETE FROM webhook_endpoints WHERE id = $1)
             SELECT * FROM doomed`,
      values: [endpointId],
    });
    return rows[0] && toEndpoint(rows[0]);
  },

  async claim(nowMs, leaseMs, limit) {
    if (limit <= 0) return [];
    const { rows } = await db.query<DeliveryRow & { url: string; secret: string }>({
      name: 'roomcast-webhooks-claim',
      text: claimSql,
      values: [nowMs, leaseMs, limit],
    });
    return rows.map((row) => ({ delivery: toDelivery(row), url: row.url, secret: row.secret }));
  },

  async delivered(fence) {
    await db.query({
      name: 'roomcast-webhooks-delivered',
      text: `DELETE FROM webhook_deliveries WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      values: [fence.id, fence.attempts],
    });
  },

  async retryLater(fence, nextAttemptAt, error) {
    await db.query({
      name: 'roomcast-webhooks-retry-later',
      text: `UPDATE webhook_deliveries SET next_attempt_at = $3, leased_until = 0, last_error = $4
              WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      values: [fence.id, fence.attempts, nextAttemptAt, error],
    });
  },

  async failed(fence, error) {
    await db.query({
      name: 'roomcast-webhooks-failed',
      text: `UPDATE webhook_deliveries SET status = 'FAILED', leased_until = 0, last_error = $3
              WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`,
      values: [fence.id, fence.attempts, error],
    });
  },

  async deliveries(endpointId, status, limit) {
    const { rows } = await db.query<DeliveryRow>({
      name: 'roomcast-webhooks-deliveries',
      text: `SELECT ${deliveryColumns} FROM webhook_deliveries WHERE endpoint_id = $1 AND status = $2 ORDER BY created_at, room_id, seq LIMIT $3`,
      values: [endpointId, status, limit],
    });
    return rows.map(toDelivery);
  },
});
