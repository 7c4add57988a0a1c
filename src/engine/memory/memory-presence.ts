import type { PresenceStore } from '../types.js';

/** roomId -> userId -> that user's connections in the room (empty while in grace). */
export const createMemoryPresenceStore = (): PresenceStore => {
  const rooms = new Map<string, Map<string, Set<string>>>();
  const usersOf = (roomId: string) => {
    let users = rooms.get(roomId);
    if (!users) {
      users = new Map();
      rooms.set(roomId, users);
    }
    return users;
  };
  return {
    async connect(roomId, userId, _userName, connectionId) {
      const users = usersOf(roomId);
      const connections = users.get(userId);
      if (connections) {
        connections.add(connectionId);
        return false;
      }
      users.set(userId, new Set([connectionId]));
      return true;
    },
    async disconnect(roomId, userId, connectionId) {
      const connections = rooms.get(roomId)?.get(userId);
      if (!connections) return false;
      connections.delete(connectionId);
      return connections.size === 0;
    },
    async expire(roomId, userId) {
      const users = rooms.get(roomId);
      const connections = users?.get(userId);
      if (!users || !connections || connections.size > 0) return false;
      users.delete(userId);
      if (users.size === 0) rooms.delete(roomId);
      return true;
    },
    async online(roomId) {
      return [...(rooms.get(roomId)?.keys() ?? [])];
    },
  };
};
