// Key layout. Every key of one room carries the hash tag `{room:<id>}`, so each room lives in one Redis
// Cluster slot and every atomic step (a Lua script) touches one room only. The few global keys are
// indexes, written by separate commands, never inside a room's script. Redis holds only live state:
// rooms, messages, timers and read pointers are in the store.

export interface RoomKeys {
  /** userId -> order of coming online. */
  presenceUsers: string;
  /** userId -> display name, for events published without the service. */
  presenceNames: string;
  /** userId -> until when the user is known alive: +inf while they have a live connection, else when it ended. */
  presenceAlive: string;
  /** The connections one instance holds in this room, as `<length of userId>:<userId><connectionId>` (lua/presence.ts). */
  presenceHeldBy(instanceId: string): string;
  /** userId -> typing expiry (epoch ms). */
  typing: string;
  /** userId -> display name of typers. */
  typingNames: string;
  /** The pub/sub channel of the room's events. */
  channel: string;
  /** connectionId -> expiry of that connection's presence (epoch ms), for one user. */
  presenceConnections(userId: string): string;
}

export interface Keys {
  room(roomId: string): RoomKeys;
  /** Global: room -> when its sweep is due (a sorted set); only rooms where something may expire. */
  presenceDue: string;
  /** Prefix for rate limiter keys. */
  rateLimits: string;
  /** Global: ids of instances that may hold connections. */
  instances: string;
  /** Global: present while the instance is alive (renewed by its heartbeat, with a TTL). */
  instanceAlive(instanceId: string): string;
  /** Global: rooms in which the instance holds connections. */
  instanceRooms(instanceId: string): string;
}

export const createKeys = (prefix: string): Keys => ({
  room(roomId) {
    const base = `${prefix}:{room:${roomId}}`;
    return {
      presenceUsers: `${base}:presence`,
      presenceNames: `${base}:presence-names`,
      presenceAlive: `${base}:presence-alive`,
      presenceHeldBy: (instanceId) => `${base}:presence-held:${instanceId}`,
      typing: `${base}:typing`,
      typingNames: `${base}:typing-names`,
      channel: `${base}:events`,
      presenceConnections: (userId) => `${base}:presence:u:${userId}`,
    };
  },
  presenceDue: `${prefix}:presence-due`,
  rateLimits: `${prefix}:rl`,
  instances: `${prefix}:instances`,
  instanceAlive: (instanceId) => `${prefix}:instance:${instanceId}`,
  instanceRooms: (instanceId) => `${prefix}:instance:${instanceId}:rooms`,
});
