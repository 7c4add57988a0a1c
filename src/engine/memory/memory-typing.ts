import type { TypingStore } from '../types.js';

export const createMemoryTypingStore = (): TypingStore => {
  /** roomId -> userId -> expiresAt */
  const rooms = new Map<string, Map<string, number>>();
  const remove = (roomId: string, userId: string) => {
    const users = rooms.get(roomId);
    users?.delete(userId);
    if (users?.size === 0) rooms.delete(roomId);
  };
  return {
    async start(roomId, userId, _userName, expiresAt) {
      let users = rooms.get(roomId);
      if (!users) {
        users = new Map();
        rooms.set(roomId, users);
      }
      const wasTyping = users.has(userId);
      users.set(userId, expiresAt);
      return !wasTyping;
    },
    async stop(roomId, userId) {
      const wasTyping = rooms.get(roomId)?.has(userId) ?? false;
      remove(roomId, userId);
      return wasTyping;
    },
    async expire(roomId, userId, nowMs) {
      const expiresAt = rooms.get(roomId)?.get(userId);
      if (expiresAt === undefined || expiresAt > nowMs) return false;
      remove(roomId, userId);
      return true;
    },
    async list(roomId, nowMs) {
      return [...(rooms.get(roomId)?.entries() ?? [])].filter(([, expiresAt]) => expiresAt > nowMs).map(([userId]) => userId);
    },
  };
};
