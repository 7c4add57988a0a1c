import type { Redis } from 'ioredis';
import type { PresenceStore, TypingStore } from '../types.js';
import type { Keys } from './keys.js';
import { PRESENCE_CONNECT, PRESENCE_DISCONNECT, PRESENCE_EXPIRE, PRESENCE_RENEW, PRESENCE_SWEEP } from './lua/presence.js';
import { TYPING_CLEAR, TYPING_START } from './lua/typing.js';
import { createRoomIndex } from './room-index.js';
import { defineScript } from './scripts.js';

export interface RedisPresenceOptions {
  now: () => number;
  /** How long a connection counts without a heartbeat from its instance. */
  connectionTtlMs: number;
  /** Grace before offline, also applied by the sweeper to connections of dead instances. */
  graceMs: number;
}

/**
 * Presence is kept per connection with an expiry that the instance holding the connection renews
 * (`heartbeat`). When an instance dies its connections stop being renewed, and `sweep` (run by every
 * instance) takes their users offline once TTL and grace have passed, publishing each change once.
 */
export const createRedisPresence = (redis: Redis, keys: Keys, options: RedisPresenceOptions) => {
  const connect = defineScript(redis, 'roomcastPresenceConnect', PRESENCE_CONNECT, 5);
  const disconnect = defineScript(redis, 'roomcastPresenceDisconnect', PRESENCE_DISCONNECT, 2);
  const expire = defineScript(redis, 'roomcastPresenceExpire', PRESENCE_EXPIRE, 4);
  const sweepRoom = defineScript(redis, 'roomcastPresenceSweep', PRESENCE_SWEEP, 6);
  const renewRoom = defineScript(redis, 'roomcastPresenceRenew', PRESENCE_RENEW, -1);
  const typingStart = defineScript(redis, 'roomcastTypingStart', TYPING_START, 3);
  const typingClear = defineScript(redis, 'roomcastTypingClear', TYPING_CLEAR, 2);
  const index = createRoomIndex(redis, keys.presenceRooms);
  /** Connections held by this instance: `room\nuser\nconnection`. */
  const held = new Map<string, { roomId: string; userId: string; connectionId: string }>();
  const heldKey = (roomId: string, userId: string, connectionId: string) => `${roomId}\n${userId}\n${connectionId}`;

  const presence: PresenceStore = {
    async connect(roomId, userId, userName, connectionId) {
      const room = keys.room(roomId);
      held.set(heldKey(roomId, userId, connectionId), { roomId, userId, connectionId });
      const result = await connect(
        [room.presenceUsers, room.presenceNames, room.presenceConnections(userId), room.presenceIndexed, room.presenceAlive],
        [userId, userName, connectionId, options.now() + options.connectionTtlMs],
      );
      const [cameOnline, mustIndex] = Array.isArray(result) ? result : [];
      if (mustIndex === 1) await index.add(roomId);
      return cameOnline === 1;
    },
    async disconnect(roomId, userId, connectionId) {
      held.delete(heldKey(roomId, userId, connectionId));
      const room = keys.room(roomId);
      return (await disconnect([room.presenceConnections(userId), room.presenceAlive], [connectionId, options.now(), userId])) === 1;
    },
    async expire(roomId, userId) {
      const room = keys.room(roomId);
      return (await expire([room.presenceUsers, room.presenceNames, room.presenceConnections(userId), room.presenceAlive], [userId, options.now()])) === 1;
    },
    online: (roomId) => redis.zrange(keys.room(roomId).presenceUsers, 0, -1),
  };

  const typing: TypingStore = {
    async start(roomId, userId, userName, expiresAt) {
      const room = keys.room(roomId);
      const result = await typingStart([room.typing, room.typingNames, room.presenceIndexed], [userId, userName, expiresAt]);
      const [started, mustIndex] = Array.isArray(result) ? result : [];
      if (mustIndex === 1) await index.add(roomId);
      return started === 1;
    },
    async stop(roomId, userId) {
      const room = keys.room(roomId);
      return (await typingClear([room.typing, room.typingNames], [userId, ''])) === 1;
    },
    async expire(roomId, userId, nowMs) {
      const room = keys.room(roomId);
      return (await typingClear([room.typing, room.typingNames], [userId, nowMs])) === 1;
    },
    async list(roomId, nowMs) {
      const all = await redis.hgetall(keys.room(roomId).typing);
      return Object.entries(all)
        .filter(([, expiresAt]) => Number(expiresAt) > nowMs)
        .map(([userId]) => userId);
    },
  };

  return {
    presence,
    typing,
    /** Renews every connection this instance holds: one script per room, not one command per connection. */
    async heartbeat() {
      if (held.size === 0) return;
      const expiresAt = options.now() + options.connectionTtlMs;
      const byRoom = new Map<string, { keys: string[]; args: string[] }>();
      for (const { roomId, userId, connectionId } of held.values()) {
        let batch = byRoom.get(roomId);
        if (!batch) byRoom.set(roomId, (batch = { keys: [keys.room(roomId).presenceAlive], args: [] }));
        batch.keys.push(keys.room(roomId).presenceConnections(userId));
        batch.args.push(connectionId, userId);
      }
      await Promise.all([...byRoom.values()].map((batch) => renewRoom(batch.keys, [expiresAt, ...batch.args])));
    },
    /** Ends presence and typing left behind by dead instances, in every indexed room. */
    async sweep() {
      const nowMs = options.now();
      for (const roomId of await index.members()) {
        const room = keys.room(roomId);
        const left = await sweepRoom(
          [room.presenceUsers, room.presenceNames, room.typing, room.typingNames, room.presenceIndexed, room.presenceAlive],
          [nowMs, options.graceMs, room.channel, roomId, room.presenceConnections('')],
        );
        // The script already dropped the room's flag when nothing was left.
        if (left === 0) await index.removeIfIdle(roomId, room.presenceIndexed, async () => true);
      }
    },
  };
};
