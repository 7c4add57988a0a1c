import type { Redis } from 'ioredis';

/**
 * A global set of rooms that have some state to visit (presence and typing to sweep). Membership is
 * mirrored by a flag key inside the room's slot, set by the room's own scripts; the set itself is
 * written separately, since a script may not touch another slot. Removal re-checks the flag after
 * removing, so a room that gained state in between is put back and never lost from the index.
 */
export const createRoomIndex = (redis: Redis, indexKey: string) => ({
  add: async (roomId: string) => {
    await redis.sadd(indexKey, roomId);
  },
  members: () => redis.smembers(indexKey),
  /** `unflagIfIdle` runs the room's script that drops the flag when the room is idle (true if dropped). */
  async removeIfIdle(roomId: string, flagKey: string, unflagIfIdle: () => Promise<boolean>) {
    if (!(await unflagIfIdle())) return;
    await redis.srem(indexKey, roomId);
    if ((await redis.exists(flagKey)) === 1) await redis.sadd(indexKey, roomId);
  },
});
