import type pg from 'pg';
import type { TimerRecord, TimerStatus, TimerStore } from '../types.js';
import { inTransaction, type Queryable } from './postgres-pool.js';

interface TimerRow {
  id: string;
  room_id: string;
  label: string | null;
  duration_ms: string;
  tick_ms: string;
  status: TimerStatus;
  started_by: string;
  started_by_name: string;
  started_at: string;
  ends_at: string | null;
  paused_remaining_ms: string;
  next_due_at: string | null;
  version: string;
  ended_at: string | null;
}

const timerColumns =
  'id, room_id, label, duration_ms, tick_ms, status, started_by, started_by_name, started_at, ends_at, paused_remaining_ms, next_due_at, version, ended_at';

const orNull = (value: string | null): number | null => (value === null ? null : Number(value));

const toTimer = (row: TimerRow): TimerRecord =>
  Object.freeze({
    id: row.id,
    roomId: row.room_id,
    label: row.label,
    durationMs: Number(row.duration_ms),
    tickMs: Number(row.tick_ms),
    status: row.status,
    startedBy: row.started_by,
    startedByName: row.started_by_name,
    startedAt: Number(row.started_at),
    endsAt: orNull(row.ends_at),
    pausedRemainingMs: Number(row.paused_remaining_ms),
    nextDueAt: orNull(row.next_due_at),
    version: Number(row.version),
    endedAt: orNull(row.ended_at),
  });

/** The record's columns in `timerColumns` order. */
const valuesOf = (timer: TimerRecord): unknown[] => [
  timer.id,
  timer.roomId,
  timer.label,
  timer.durationMs,
  timer.tickMs,
  timer.status,
  timer.startedBy,
  timer.startedByName,
  timer.startedAt,
  timer.endsAt,
  timer.pausedRemainingMs,
  timer.nextDueAt,
  timer.version,
  timer.endedAt,
];

// Serializes timer creation per room across instances without touching the room row (which appends
// lock): the two-integer advisory lock space is separate from node-pg-migrate's one-bigint lock.
const TIMER_CREATE_LOCK_CLASS = 0x7254; // 'rT'

/** Exported for the test that reads its plan: $2 room. Reads only the partial index of active timers. */
export const countActiveSql = `SELECT count(*) FROM timers WHERE room_id = $2 AND status IN ('RUNNING', 'PAUSED')`;

export const createPostgresTimerStore = (db: Queryable, pool: pg.Pool): TimerStore => ({
  async create(timer, maxActive) {
    return inTransaction(pool, async (client) => {
      await client.query({
        name: 'roomcast-timers-lock-room',
        text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))',
        values: [TIMER_CREATE_LOCK_CLASS, timer.roomId],
      });
      // A statement after the lock sees every timer committed before it (read committed); the count
      // reads the partial index of active timers, so ended ones cost nothing.
      const { rowCount } = await client.query({
        name: 'roomcast-timers-create',
        text: `INSERT INTO timers (${timerColumns})
               SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14
                WHERE (${countActiveSql}) < $15`,
        values: [...valuesOf(timer), maxActive],
      });
      return rowCount === 1;
    });
  },

  async get(timerId) {
    const { rows } = await db.query<TimerRow>({
      name: 'roomcast-timers-get',
      text: `SELECT ${timerColumns} FROM timers WHERE id = $1`,
      values: [timerId],
    });
    return rows[0] && toTimer(rows[0]);
  },

  async listByRoom(roomId, limit) {
    if (limit <= 0) return [];
    const { rows } = await db.query<TimerRow>({
      name: 'roomcast-timers-list-by-room',
      text: `SELECT ${timerColumns} FROM (
               SELECT ${timerColumns}, created FROM timers WHERE room_id = $1 ORDER BY created DESC LIMIT $2
             ) newest ORDER BY created`,
      values: [roomId, limit],
    });
    return rows.map(toTimer);
  },

  async transition(next, expectedVersion) {
    const { rowCount } = await db.query({
      name: 'roomcast-timers-transition',
      text: `UPDATE timers SET label = $3, duration_ms = $4, tick_ms = $5, status = $6, started_by = $7,
                    started_by_name = $8, started_at = $9, ends_at = $10, paused_remaining_ms = $11,
                    next_due_at = $12, version = $13, ended_at = $14
              WHERE id = $1 AND room_id = $2 AND version = $15`,
      values: [...valuesOf(next), expectedVersion],
    });
    return rowCount === 1;
  },

  async due(nowMs, limit) {
    if (limit <= 0) return [];
    const { rows } = await db.query<{ id: string; next_due_at: string }>({
      name: 'roomcast-timers-due',
      text: `SELECT id, next_due_at FROM timers
              WHERE next_due_at IS NOT NULL AND next_due_at <= $1
              ORDER BY next_due_at, id
              LIMIT $2`,
      values: [nowMs, limit],
    });
    return rows.map((row) => ({ timerId: row.id, dueAt: Number(row.next_due_at) }));
  },

  // `afterMs` is optional so that this also fits the interface's newer `nextDueAt(afterMs?)`.
  async nextDueAt(afterMs?: number) {
    const { rows } = await db.query<{ due: string | null }>(
      afterMs === undefined
        ? { name: 'roomcast-timers-next-due-at', text: 'SELECT min(next_due_at) AS due FROM timers WHERE next_due_at IS NOT NULL', values: [] }
        : { name: 'roomcast-timers-next-due-after', text: 'SELECT min(next_due_at) AS due FROM timers WHERE next_due_at > $1', values: [afterMs] },
    );
    const due = rows[0]?.due ?? null;
    return due === null ? undefined : Number(due);
  },

  async countRunning() {
    const { rows } = await db.query<{ running: string }>({
      name: 'roomcast-timers-count-running',
      // Implies the predicate of the partial index timers_active, so only active timers are read.
      text: `SELECT count(*) AS running FROM timers WHERE status = 'RUNNING'`,
      values: [],
    });
    return Number(rows[0]?.running ?? 0);
  },

  async purgeEnded(endedBeforeMs, limit) {
    if (limit <= 0) return 0;
    const { rowCount } = await db.query({
      name: 'roomcast-timers-purge-ended',
      text: `DELETE FROM timers WHERE id IN (
               SELECT id FROM timers WHERE ended_at IS NOT NULL AND ended_at < $1
                ORDER BY ended_at LIMIT $2 FOR UPDATE SKIP LOCKED
             )`,
      values: [endedBeforeMs, limit],
    });
    return rowCount ?? 0;
  },
});
