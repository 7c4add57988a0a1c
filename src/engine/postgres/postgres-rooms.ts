import type { RoomRecord, RoomStore } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface RoomRow {
  id: string;
  name: string;
  private: boolean;
  owner_id: string;
  created_at: string;
  ordinal: string;
}

const roomColumns = 'id, name, private, owner_id, created_at, ordinal';

// bigint columns arrive as strings; every one of ours stays far below 2^53.
const toRoom = (row: RoomRow): RoomRecord =>
  Object.freeze({
    id: row.id,
    name: row.name,
    private: row.private,
    ownerId: row.owner_id,
    createdAt: Number(row.created_at),
    ordinal: Number(row.ordinal),
  });

/** Exported for bench/postgres-driver.ts. A membership check reads one index entry, never a member list. */
export const isMemberSql = 'SELECT EXISTS (SELECT 1 FROM memberships WHERE room_id = $1 AND user_id = $2) AS member';

/**
 * Exported for the test that reads its plan. $1 viewer, $2 afterOrdinal, $3 limit + 1. Two ordered index
 * reads of at most $3 rows each: the public directory and the viewer's own memberships. The first $3
 * rooms of their union are among them, so other users' private rooms are never scanned.
 */
export const listVisibleSql = `WITH candidates AS (
               (SELECT id FROM rooms WHERE NOT private AND ordinal > $2 ORDER BY ordinal LIMIT $3)
               UNION
               (SELECT room_id FROM memberships WHERE user_id = $1 AND room_ordinal > $2 ORDER BY room_ordinal LIMIT $3)
             )
             SELECT r.id, r.name, r.private, r.owner_id, r.created_at, r.ordinal
               FROM candidates c JOIN rooms r ON r.id = c.id
              ORDER BY r.ordinal
              LIMIT $3`;

export const createPostgresRoomStore = (db: Queryable): RoomStore => ({
  async create(room) {
    // One statement, so one transaction: the room and its first members appear together. The owner is
    // inserted first, so join order puts them first; a repeated id joins once.
    const { rows } = await db.query<RoomRow>({
      name: 'roomcast-rooms-create',
      text: `WITH room AS (
               INSERT INTO rooms (id, name, private, owner_id, created_at)
               VALUES ($1, $2, $3, $4, $5)
               RETURNING ${roomColumns}
             ), members AS (
               INSERT INTO memberships (room_id, user_id, room_ordinal)
               SELECT room.id, member.user_id, room.ordinal
               FROM room, unnest($6::text[]) WITH ORDINALITY AS member (user_id, position)
               ORDER BY member.position
               ON CONFLICT (room_id, user_id) DO NOTHING
             )
             SELECT ${roomColumns} FROM room`,
      values: [room.id, room.name, room.private, room.ownerId, room.createdAt, [room.ownerId, ...room.memberIds]],
    });
    const created = rows[0];
    if (!created) throw new Error(`room ${room.id} was not stored`);
    return toRoom(created);
  },

  async get(roomId) {
    const { rows } = await db.query<RoomRow>({
      name: 'roomcast-rooms-get',
      text: `SELECT ${roomColumns} FROM rooms WHERE id = $1`,
      values: [roomId],
    });
    return rows[0] && toRoom(rows[0]);
  },

  async isMember(roomId, userId) {
    const { rows } = await db.query<{ member: boolean }>({
      name: 'roomcast-rooms-is-member',
      text: isMemberSql,
      values: [roomId, userId],
    });
    return rows[0]?.member === true;
  },

  async members(roomId, limit) {
    if (limit <= 0) return [];
    // The owner first (if still a member), then the others in join order: both read from an index in
    // order, so a room of 100,000 members costs O(limit).
    const { rows } = await db.query<{ user_id: string }>({
      name: 'roomcast-rooms-members',
      text: `(SELECT m.user_id, 0 AS part, 0::bigint AS joined
                FROM rooms r JOIN memberships m ON m.room_id = r.id AND m.user_id = r.owner_id
               WHERE r.id = $1)
             UNION ALL
             (SELECT m.user_id, 1 AS part, m.joined
                FROM memberships m
               WHERE m.room_id = $1 AND m.user_id <> (SELECT owner_id FROM rooms WHERE id = $1)
               ORDER BY m.joined
               LIMIT $2)
             ORDER BY part, joined
             LIMIT $2`,
      values: [roomId, limit],
    });
    return rows.map((row) => row.user_id);
  },

  async addMember(roomId, userId) {
    // The insert reads no other member: joining a room of 100,000 costs what joining an empty one does.
    const { rows } = await db.query<RoomRow>({
      name: 'roomcast-rooms-add-member',
      text: `WITH room AS (SELECT ${roomColumns} FROM rooms WHERE id = $1),
             added AS (
               INSERT INTO memberships (room_id, user_id, room_ordinal)
               SELECT id, $2, ordinal FROM room
               ON CONFLICT (room_id, user_id) DO NOTHING
             )
             SELECT ${roomColumns} FROM room`,
      values: [roomId, userId],
    });
    return rows[0] && toRoom(rows[0]);
  },

  async removeMember(roomId, userId) {
    const { rows } = await db.query<RoomRow>({
      name: 'roomcast-rooms-remove-member',
      text: `WITH room AS (SELECT ${roomColumns} FROM rooms WHERE id = $1),
             removed AS (DELETE FROM memberships WHERE room_id = $1 AND user_id = $2)
             SELECT ${roomColumns} FROM room`,
      values: [roomId, userId],
    });
    return rows[0] && toRoom(rows[0]);
  },

  async listVisible({ viewerId, afterOrdinal, limit }) {
    // One more row than asked says whether more follow.
    const { rows } = await db.query<RoomRow>({
      name: 'roomcast-rooms-list-visible',
      text: listVisibleSql,
      values: [viewerId, afterOrdinal, limit + 1],
    });
    const rooms = rows.slice(0, limit).map(toRoom);
    return { rooms, hasMore: rows.length > limit };
  },
});
