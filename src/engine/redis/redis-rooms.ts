import type { Redis } from 'ioredis';
import type { RoomRecord, RoomStore } from '../types.js';
import type { Keys } from './keys.js';
import { isVisibleTo } from '../room-visibility.js';
import { CHANGE_MEMBERSHIP } from './lua/rooms.js';
import { parseRoom } from './records.js';
import { defineScript } from './scripts.js';

const LIST_BATCH = 100;

export const createRedisRoomStore = (redis: Redis, keys: Keys): RoomStore => {
  const changeMembership = defineScript(redis, 'roomcastChangeMembership', CHANGE_MEMBERSHIP, 1);
  const change = async (roomId: string, userId: string, how: 'add' | 'remove') => {
    const raw = await changeMembership([keys.room(roomId).meta], [userId, how]);
    return typeof raw === 'string' ? parseRoom(raw) : undefined;
  };
  const getMany = async (roomIds: string[]): Promise<(RoomRecord | undefined)[]> => {
    const pipeline = redis.pipeline();
    for (const id of roomIds) pipeline.get(keys.room(id).meta);
    const results = (await pipeline.exec()) ?? [];
    return results.map(([, raw]) => (typeof raw === 'string' ? parseRoom(raw) : undefined));
  };
  return {
    async create(input) {
      const ordinal = await redis.incr(keys.roomOrdinal);
      const memberIds = [...new Set([input.ownerId, ...input.memberIds.filter((id) => id !== input.ownerId)])];
      const room: RoomRecord = { ...input, memberIds, ordinal };
      const stored = await redis.set(keys.room(room.id).meta, JSON.stringify(room), 'NX');
      if (stored !== 'OK') throw new Error(`room id collision: ${room.id}`);
      await redis.zadd(keys.roomsByOrdinal, ordinal, room.id);
      return room;
    },
    async get(roomId) {
      const raw = await redis.get(keys.room(roomId).meta);
      return raw === null ? undefined : parseRoom(raw);
    },
    addMember: (roomId, userId) => change(roomId, userId, 'add'),
    removeMember: (roomId, userId) => change(roomId, userId, 'remove'),
    async listVisible({ viewerId, afterOrdinal, limit }) {
      const found: RoomRecord[] = [];
      let cursor = afterOrdinal;
      for (;;) {
        const ids = await redis.zrangebyscore(keys.roomsByOrdinal, `(${cursor}`, '+inf', 'LIMIT', 0, LIST_BATCH);
        if (ids.length === 0) return { rooms: found, hasMore: false };
        for (const room of await getMany(ids)) {
          if (!room) continue;
          cursor = room.ordinal;
          if (!isVisibleTo(room, viewerId)) continue;
          if (found.length === limit) return { rooms: found, hasMore: true };
          found.push(room);
        }
        if (ids.length < LIST_BATCH) return { rooms: found, hasMore: false };
      }
    },
  };
};
