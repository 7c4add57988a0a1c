import { notFound } from '../../errors/index.js';
import { messageIdOf } from '../message-id.js';
import type { MessageRecord, MessageStore, NewMessage } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface MessageRow {
  room_id: string;
  seq: string;
  author_id: string;
  author_name: string;
  body: string;
  client_id: string | null;
  created_at: string;
}

const messageColumns = 'room_id, seq, author_id, author_name, body, client_id, created_at';

const toMessage = (row: MessageRow): MessageRecord => {
  const seq = Number(row.seq);
  return Object.freeze({
    id: messageIdOf(row.room_id, seq),
    roomId: row.room_id,
    seq,
    authorId: row.author_id,
    authorName: row.author_name,
    body: row.body,
    clientId: row.client_id,
    createdAt: Number(row.created_at),
  });
};

// Exported for bench/postgres-driver.ts, which measures the drivers on the store's own statements.
/** One statement, so one transaction, one round trip (webhook deliveries included): $1 room, $2 author, $3 author name, $4 clientId, $5 body, $6 createdAt. */
export const appendSql = `WITH existing AS (
                   SELECT ${messageColumns} FROM messages
                    WHERE $4::text IS NOT NULL AND room_id = $1 AND author_id = $2 AND client_id = $4
                 ), next AS (
                   UPDATE rooms SET last_seq = last_seq + 1
                    WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM existing)
                   RETURNING last_seq
                 ), inserted AS (
                   INSERT INTO messages (${messageColumns})
                   SELECT $1, next.last_seq, $2, $3, $5, $4, $6 FROM next
                   RETURNING ${messageColumns}
                 ), queued AS (
                   -- The webhook outbox, in the same statement: a committed message always has its
                   -- deliveries, and the room's row lock makes them commit in seq order.
                   INSERT INTO webhook_deliveries (id, endpoint_id, room_id, seq, created_at)
                   SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), s.endpoint_id, inserted.room_id, inserted.seq, $6
                     FROM inserted JOIN webhook_subscriptions s ON s.room_id = inserted.room_id
                   RETURNING 1
                 )
                 SELECT true AS created, (SELECT count(*) FROM queued)::int AS webhook_deliveries, * FROM inserted
                 UNION ALL
                 SELECT false AS created, 0 AS webhook_deliveries, * FROM existing`;

/** $1 room, $2 fromSeq, $3 toSeq. */
export const rangeSql = `SELECT ${messageColumns} FROM messages
                WHERE room_id = $1
                  AND seq >= GREATEST($2::bigint, (SELECT pruned_through + 1 FROM rooms WHERE id = $1))
                  AND seq <= $3
                ORDER BY seq`;

type AppendRow = MessageRow & { created: boolean; webhook_deliveries: number };

const UNIQUE_VIOLATION = '23505';
const isDuplicateClientId = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  error.code === UNIQUE_VIOLATION &&
  'constraint' in error &&
  error.constraint === 'messages_by_client_id';

export const createPostgresMessageStore = (db: Queryable): MessageStore => {
  const findByClientId = async (message: NewMessage): Promise<MessageRecord | undefined> => {
    const { rows } = await db.query<MessageRow>({
      name: 'roomcast-messages-by-client-id',
      text: `SELECT ${messageColumns} FROM messages WHERE room_id = $1 AND author_id = $2 AND client_id = $3`,
      values: [message.roomId, message.authorId, message.clientId],
    });
    return rows[0] && toMessage(rows[0]);
  };

  return {
    async append(message) {
      // One statement, so one transaction, one round trip: an earlier message with this clientId wins;
      // otherwise the room row's UPDATE takes the next seq and holds the row lock until commit, so appends
      // to a room commit in seq order, on every instance, and a failed insert gives its seq back.
      let rows: (AppendRow)[];
      try {
        ({ rows } = await db.query<AppendRow>({
          name: 'roomcast-messages-append',
          text: appendSql,
          values: [message.roomId, message.authorId, message.authorName, message.clientId, message.body, message.createdAt],
        }));
      } catch (error) {
        // A concurrent append with the same clientId committed first (this statement's snapshot predates
        // it, so only the unique index saw it). Nothing of ours was kept; the winner is the answer.
        if (!isDuplicateClientId(error)) throw error;
        const winner = await findByClientId(message);
        if (!winner) throw error;
        return { message: winner, created: false, webhookDeliveries: 0 };
      }
      const row = rows[0];
      if (!row) throw notFound('Room');
      return { message: toMessage(row), created: row.created, webhookDeliveries: row.webhook_deliveries };
    },

    async head(roomId) {
      const { rows } = await db.query<{ last_seq: string }>({
        name: 'roomcast-messages-head',
        text: 'SELECT last_seq FROM rooms WHERE id = $1',
        values: [roomId],
      });
      return rows[0] ? Number(rows[0].last_seq) : 0;
    },

    async bounds(roomId) {
      const { rows } = await db.query<{ last_seq: string; pruned_through: string }>({
        name: 'roomcast-messages-bounds',
        text: 'SELECT last_seq, pruned_through FROM rooms WHERE id = $1',
        values: [roomId],
      });
      const row = rows[0];
      return row ? { head: Number(row.last_seq), prunedThrough: Number(row.pruned_through) } : { head: 0, prunedThrough: 0 };
    },

    async range(roomId, fromSeq, toSeq) {
      if (toSeq < fromSeq) return [];
      // Starts after pruned_through: a message retention left behind (its created_at was later than a
      // newer seq's, e.g. clock skew between instances) is treated as gone like the rest of the prefix.
      const { rows } = await db.query<MessageRow>({
        name: 'roomcast-messages-range',
        text: rangeSql,
        values: [roomId, fromSeq, toSeq],
      });
      return rows.map(toMessage);
    },

    async seqAt(roomId, atMs) {
      // One probe of messages_by_room_created_at; messages retention left behind count as gone (see range).
      const { rows } = await db.query<{ seq: string }>({
        name: 'roomcast-messages-seq-at',
        text: `SELECT COALESCE(
                 (SELECT m.seq FROM messages m
                   WHERE m.room_id = r.id AND m.created_at >= $2 AND m.seq > r.pruned_through
                   ORDER BY m.created_at, m.seq LIMIT 1),
                 r.last_seq + 1) AS seq
                 FROM rooms r WHERE r.id = $1`,
        values: [roomId, atMs],
      });
      return rows[0] ? Number(rows[0].seq) : 1;
    },

    async deleteOlderThan(beforeMs, limit) {
      if (limit <= 0) return 0;
      // One bounded statement: the oldest `limit` messages (skipping rows another instance is deleting
      // right now), deleted by primary key, and each touched room's pruned_through moved to the highest
      // seq deleted there.
      const { rows } = await db.query<{ deleted: string }>({
        name: 'roomcast-messages-delete-older-than',
        text: `WITH doomed AS (
                 SELECT room_id, seq FROM messages
                  WHERE created_at < $1
                  ORDER BY created_at
                  LIMIT $2
                  FOR UPDATE SKIP LOCKED
               ), deleted AS (
                 DELETE FROM messages m USING doomed d
                  WHERE m.room_id = d.room_id AND m.seq = d.seq
                 RETURNING m.room_id, m.seq
               ), moved AS (
                 UPDATE rooms r SET pruned_through = GREATEST(r.pruned_through, touched.max_seq)
                   FROM (SELECT room_id, max(seq) AS max_seq FROM deleted GROUP BY room_id) touched
                  WHERE r.id = touched.room_id
               )
               SELECT count(*) AS deleted FROM deleted`,
        values: [beforeMs, limit],
      });
      return Number(rows[0]?.deleted ?? 0);
    },
  };
};
