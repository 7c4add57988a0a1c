// Seeds a migrated Roomcast database in bulk, by SQL (generate_series), with the rows the store itself
// writes: rooms with last_seq set, one membership per owner (and `few`'s), messages with dense seqs.
import pg from 'pg';
import {
  AUTHORS,
  BIG_ROOM,
  BODY_FILLER,
  PUBLIC_OWNER,
  SEEDED_AT_MS,
  fewRoomIndexes,
  quietRoomCount,
  type HistoryShape,
} from './shape.js';

// The same values as shape.ts makes in JavaScript (authorOf, bodyOf, clientIdOf, createdAtOf), in SQL:
// `seq` and the message's place in the store's write order.
const messageColumns = (seq: string, order: string) =>
  `${seq}, 'author-' || (${seq} % ${AUTHORS}), 'Author ' || (${seq} % ${AUTHORS}), 'message ' || ${seq} || ' ' || $1::text, 'c-' || ${seq}, ${SEEDED_AT_MS} + ${order}`;

export const seedPostgres = async (url: string, shape: HistoryShape, log: (line: string) => void): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const step = async (what: string, sql: string, values: unknown[] = []) => {
      const started = performance.now();
      const { rowCount } = await client.query(sql, values);
      log(`${what}: ${rowCount ?? 0} rows in ${Math.round(performance.now() - started)} ms`);
    };
    // Rooms in creation order, so that identity ordinals follow it as they do when rooms are created live.
    await step(
      'big room',
      `INSERT INTO rooms (id, name, private, owner_id, created_at, last_seq) VALUES ($1, 'big', false, $2, ${SEEDED_AT_MS}, $3)`,
      [BIG_ROOM, PUBLIC_OWNER, shape.bigRoomMessages],
    );
    await step(
      'busy rooms',
      `INSERT INTO rooms (id, name, private, owner_id, created_at, last_seq)
       SELECT 'room_busy-' || g, 'busy ' || g, false, $1, ${SEEDED_AT_MS} + g, $2 FROM generate_series(1, $3::int) g ORDER BY g`,
      [PUBLIC_OWNER, shape.messagesPerBusyRoom, shape.busyRooms],
    );
    await step(
      'quiet rooms',
      `INSERT INTO rooms (id, name, private, owner_id, created_at)
       SELECT 'room_quiet-' || g, 'quiet ' || g, g % 2 = 1, CASE WHEN g % 2 = 1 THEN 'owner-' || (g % 1000) ELSE $1 END, ${SEEDED_AT_MS} + g
         FROM generate_series(1, $2::int) g ORDER BY g`,
      [PUBLIC_OWNER, quietRoomCount(shape)],
    );
    await step('memberships of owners', 'INSERT INTO memberships (room_id, user_id, room_ordinal) SELECT id, owner_id, ordinal FROM rooms ORDER BY ordinal');
    await step(
      "memberships of 'few'",
      `INSERT INTO memberships (room_id, user_id, room_ordinal) SELECT id, 'few', ordinal FROM rooms WHERE id = ANY($1::text[]) ORDER BY ordinal`,
      [fewRoomIndexes(shape).map((index) => `room_quiet-${index}`)],
    );
    await step(
      'messages of the big room',
      `INSERT INTO messages (room_id, seq, author_id, author_name, body, client_id, created_at)
       SELECT '${BIG_ROOM}', ${messageColumns('g', 'g')} FROM generate_series(1, $2::int) g`,
      [BODY_FILLER, shape.bigRoomMessages],
    );
    // Interleaved as live traffic writes them (every room's 1st message, then every room's 2nd, ...), so
    // the primary key's pages split as they do in production rather than fill up one room at a time.
    await step(
      'messages of the busy rooms',
      `INSERT INTO messages (room_id, seq, author_id, author_name, body, client_id, created_at)
       SELECT 'room_busy-' || r, ${messageColumns('s', `${shape.bigRoomMessages} + (s - 1) * $2 + r`)}
         FROM generate_series(1, $3::int) s, generate_series(1, $2::int) r ORDER BY s, r`,
      [BODY_FILLER, shape.busyRooms, shape.messagesPerBusyRoom],
    );
    // Fresh statistics and a visibility map, as autovacuum would leave them after a while.
    await step('vacuum analyze', 'VACUUM ANALYZE');
  } finally {
    await client.end();
  }
};

export interface Sizing {
  messages: number;
  rooms: number;
  memberships: number;
  /** Bytes per message: the table with its TOAST and every index, then each part. */
  messageBytes: { total: number; heap: number; indexes: Record<string, number> };
  /** Bytes per room: rooms and memberships tables with their indexes, over the rooms count. */
  roomBytes: number;
  databaseBytes: number;
}

export const measureSizing = async (url: string): Promise<Sizing> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const count = async (table: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
    const size = async (sql: string) => Number((await client.query<{ bytes: string }>(sql)).rows[0]?.bytes ?? 0);
    const messages = await count('messages');
    const rooms = await count('rooms');
    const memberships = await count('memberships');
    const { rows: indexRows } = await client.query<{ name: string; bytes: string }>(
      `SELECT indexrelid::regclass::text AS name, pg_relation_size(indexrelid) AS bytes FROM pg_index WHERE indrelid = 'messages'::regclass ORDER BY 1`,
    );
    const perMessage = (bytes: number) => Math.round((bytes / Math.max(1, messages)) * 10) / 10;
    return {
      messages,
      rooms,
      memberships,
      messageBytes: {
        total: perMessage(await size(`SELECT pg_total_relation_size('messages') AS bytes`)),
        heap: perMessage(await size(`SELECT pg_table_size('messages') AS bytes`)),
        indexes: Object.fromEntries(indexRows.map((row) => [row.name, perMessage(Number(row.bytes))])),
      },
      roomBytes: Math.round(
        (await size(`SELECT pg_total_relation_size('rooms') + pg_total_relation_size('memberships') AS bytes`)) / Math.max(1, rooms),
      ),
      databaseBytes: await size('SELECT pg_database_size(current_database()) AS bytes'),
    };
  } finally {
    await client.end();
  }
};
