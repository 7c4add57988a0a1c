import type { RoomRecord, RoomStore } from '../types.js';
import { isVisibleTo } from '../room-visibility.js';

export const createMemoryRoomStore = (): RoomStore => {
  const rooms = new Map<string, RoomRecord>();
  // Rooms in creation order, for listing; ordinals are 1-based indexes into it.
  const byOrdinal: string[] = [];
  const update = (roomId: string, change: (room: RoomRecord) => RoomRecord): RoomRecord | undefined => {
    const room = rooms.get(roomId);
    if (!room) return undefined;
    const next = change(room);
    rooms.set(roomId, next);
    return next;
  };
  return {
    async create(input) {
      if (rooms.has(input.id)) throw new Error(`room id collision: ${input.id}`);
      const memberIds = [input.ownerId, ...input.memberIds.filter((id) => id !== input.ownerId)];
      const room: RoomRecord = Object.freeze({
        ...input,
        memberIds: Object.freeze([...new Set(memberIds)]),
        ordinal: byOrdinal.length + 1,
      });
      rooms.set(room.id, room);
      byOrdinal.push(room.id);
      return room;
    },
    async get(roomId) {
      return rooms.get(roomId);
    },
    async addMember(roomId, userId) {
      return update(roomId, (room) =>
        room.memberIds.includes(userId)
          ? room
          : Object.freeze({ ...room, memberIds: Object.freeze([...room.memberIds, userId]) }),
      );
    },
    async removeMember(roomId, userId) {
      return update(roomId, (room) =>
        room.memberIds.includes(userId)
          ? Object.freeze({ ...room, memberIds: Object.freeze(room.memberIds.filter((id) => id !== userId)) })
          : room,
      );
    },
    async listVisible({ viewerId, afterOrdinal, limit }) {
      const found: RoomRecord[] = [];
      // Scans from the cursor; the memory engine is for one process, where this stays cheap.
      for (let index = Math.max(0, afterOrdinal); index < byOrdinal.length; index++) {
        const room = rooms.get(byOrdinal[index] ?? '');
        if (!room || !isVisibleTo(room, viewerId)) continue;
        if (found.length === limit) return { rooms: found, hasMore: true };
        found.push(room);
      }
      return { rooms: found, hasMore: false };
    },
  };
};
