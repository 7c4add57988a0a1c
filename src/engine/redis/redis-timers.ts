import type { Redis } from 'ioredis';
import type { DueTimer, TimerRecord, TimerStore } from '../types.js';
import type { Keys } from './keys.js';
import { CREATE_TIMER, TRANSITION_TIMER, UNINDEX_IF_IDLE } from './lua/timers.js';
import { parseTimer } from './records.js';
import { createRoomIndex } from './room-index.js';
import { defineScript } from './scripts.js';

/**
 * Timer state and the room's share of the schedule live in the room's slot; a global index lists the
 * rooms with something due, and every instance's scheduler reads the schedule through it. Emission is a
 * compare-and-set script, so instances racing for one tick emit it once.
 */
export const createRedisTimerStore = (redis: Redis, keys: Keys): TimerStore => {
  const create = defineScript(redis, 'roomcastCreateTimer', CREATE_TIMER, 4);
  const transition = defineScript(redis, 'roomcastTransitionTimer', TRANSITION_TIMER, 3);
  const unindexIfIdle = defineScript(redis, 'roomcastUnindexTimers', UNINDEX_IF_IDLE, 2);
  const index = createRoomIndex(redis, keys.timerRooms);

  const dueOf = async (roomIds: string[], nowMs: number | undefined, limit: number) => {
    const pipeline = redis.pipeline();
    for (const roomId of roomIds) {
      const due = keys.room(roomId).due;
      if (nowMs === undefined) pipeline.zrange(due, 0, 0, 'WITHSCORES');
      else pipeline.zrangebyscore(due, '-inf', nowMs, 'WITHSCORES', 'LIMIT', 0, limit);
    }
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, reply]) => {
      const flat = Array.isArray(reply) ? (reply as string[]) : [];
      const entries: DueTimer[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ timerId: flat[i] ?? '', dueAt: Number(flat[i + 1]) });
      return entries;
    });
  };

  return {
    async create(timer, dueAt, event, maxActive) {
      const room = keys.room(timer.roomId);
      // The id -> room pointer first: a timer is never stored without a way to find it.
      await redis.set(keys.timerRoom(timer.id), timer.roomId);
      const result = await create(
        [room.timers, room.timerIds, room.due, room.timersIndexed],
        [timer.id, JSON.stringify(timer), dueAt ?? '', maxActive, room.channel, JSON.stringify(event)],
      );
      if (result === 2) await index.add(timer.roomId);
      return result !== 0;
    },
    async get(timerId) {
      const roomId = await redis.get(keys.timerRoom(timerId));
      if (roomId === null) return undefined;
      const raw = await redis.hget(keys.room(roomId).timers, timerId);
      return raw === null ? undefined : parseTimer(raw);
    },
    async listByRoom(roomId) {
      const room = keys.room(roomId);
      const ids = await redis.lrange(room.timerIds, 0, -1);
      if (ids.length === 0) return [];
      const raws = await redis.hmget(room.timers, ...ids);
      return raws.flatMap((raw): TimerRecord[] => (raw === null ? [] : [parseTimer(raw)]));
    },
    async transition(next, expectedVersion, dueAt, event) {
      const room = keys.room(next.roomId);
      const result = await transition(
        [room.timers, room.due, room.timersIndexed],
        [next.id, expectedVersion, JSON.stringify(next), dueAt ?? '', room.channel, JSON.stringify(event)],
      );
      if (result === 2) await index.add(next.roomId);
      return result !== 0;
    },
    async due(nowMs, limit) {
      const roomIds = await index.members();
      const perRoom = await dueOf(roomIds, nowMs, limit);
      return perRoom.flat().sort((a, b) => a.dueAt - b.dueAt).slice(0, limit);
    },
    async countRunning() {
      // Only a RUNNING timer has an entry in its room's schedule; rooms come from the global index.
      const roomIds = await index.members();
      if (roomIds.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const roomId of roomIds) pipeline.zcard(keys.room(roomId).due);
      const results = (await pipeline.exec()) ?? [];
      return results.reduce((sum, [, reply]) => sum + (typeof reply === 'number' ? reply : 0), 0);
    },
    async nextDueAt() {
      const roomIds = await index.members();
      const perRoom = await dueOf(roomIds, undefined, 1);
      let earliest: number | undefined;
      await Promise.all(
        perRoom.map(async (entries, i) => {
          const first = entries[0];
          const roomId = roomIds[i];
          if (first) earliest = Math.min(earliest ?? Infinity, first.dueAt);
          else if (roomId !== undefined) {
            const room = keys.room(roomId);
            await index.removeIfIdle(roomId, room.timersIndexed, async () => (await unindexIfIdle([room.due, room.timersIndexed], [])) === 1);
          }
        }),
      );
      return earliest;
    },
  };
};
