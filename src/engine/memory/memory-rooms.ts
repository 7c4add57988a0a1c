import type { RoomRecord, RoomStore } from '../types.js';
import { mergeByOrdinal } from '../merge-by-ordinal.js';

/** The ordinals of a sorted ascending list that come after `afterOrdinal`, at most `limit` of them. */
const after = (sorted: readonly number[], afterOrdinal: number, limit: number): number[] => {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) <= afterOrdinal) low = middle + 1;
    else high = middle;
  }
  return sorted.slice(low, low + limit);
};

export const createMemoryRoomStore = (): RoomStore => {
  const rooms = new Map<string, RoomRecord>();
  const byOrdinal = new Map<number, RoomRecord>();
  // Members per room in join order (a Set keeps insertion order), and each user's rooms by ordinal: a
  // join is O(1) whatever the room's size, and listing reads only the viewer's rooms and the public ones.
  const members = new Map<string, Set<string>>();
  const roomsOfUser = new Map<string, number[]>();
  // Ordinals only grow, so pushing keeps the public directory sorted.
  const publicOrdinals: number[] = [];
  let lastOrdinal = 0;

  const join = (room: RoomRecord, userId: string) => {
    const roomMembers = members.get(room.id);
    if (!roomMembers || roomMembers.has(userId)) return;
    roomMembers.add(userId);
    const ordinals = roomsOfUser.get(userId) ?? [];
    // A user joins mostly new rooms: insert from the end.
    let index = ordinals.length;
    while (index > 0 && (ordinals[index - 1] ?? 0) > room.ordinal) index--;
    ordinals.splice(index, 0, room.ordinal);
    roomsOfUser.set(userId, ordinals);
  };

  return {
    async create(input) {
      if (rooms.has(input.id)) throw new Error(`room id collision: ${input.id}`);
      const room: RoomRecord = Object.freeze({
        id: input.id,
        name: input.name,
        private: input.private,
        ownerId: input.ownerId,
        createdAt: input.createdAt,
        ordinal: ++lastOrdinal,
      });
      rooms.set(room.id, room);
      byOrdinal.set(room.ordinal, room);
      members.set(room.id, new Set());
      if (!room.private) publicOrdinals.push(room.ordinal);
      for (const userId of [input.ownerId, ...input.memberIds]) join(room, userId);
      return room;
    },
    async get(roomId) {
      return rooms.get(roomId);
    },
    async isMember(roomId, userId) {
      return members.get(roomId)?.has(userId) ?? false;
    },
    async members(roomId, limit) {
      const found: string[] = [];
      for (const userId of members.get(roomId) ?? []) {
        if (found.length === limit) break;
        found.push(userId);
      }
      return found;
    },
    async addMember(roomId, userId) {
      const room = rooms.get(roomId);
      if (room) join(room, userId);
      return room;
    },
    async removeMember(roomId, userId) {
      const room = rooms.get(roomId);
      if (!room || !members.get(roomId)?.delete(userId)) return room;
      const ordinals = roomsOfUser.get(userId) ?? [];
      const index = ordinals.indexOf(room.ordinal);
      if (index >= 0) ordinals.splice(index, 1);
      return room;
    },
    async listVisible({ viewerId, afterOrdinal, limit }) {
      const ordinals = mergeByOrdinal(
        after(publicOrdinals, afterOrdinal, limit + 1),
        after(roomsOfUser.get(viewerId) ?? [], afterOrdinal, limit + 1),
        limit + 1,
      );
      const found = ordinals.flatMap((ordinal) => byOrdinal.get(ordinal) ?? []);
      return { rooms: found.slice(0, limit), hasMore: found.length > limit };
    },
  };
};
