import type { Redis } from 'ioredis';
import { compositeKey } from '../../lib/composite-key.js';
import type { PresenceStore, TypingStore } from '../types.js';
import type { Keys } from './keys.js';
import { DUE_SCHEDULE, DUE_SETTLE, PRESENCE_CONNECT, PRESENCE_DISCONNECT, PRESENCE_END_INSTANCE, PRESENCE_EXPIRE, PRESENCE_SWEEP } from './lua/presence.js';
import { TYPING_CLEAR, TYPING_START } from './lua/typing.js';
import { defineScript } from './scripts.js';

/** Rooms swept per round at most (rounds run every PRESENCE_GRACE_MS / 2). */
const SWEEP_BATCH = 1_000;

export interface RedisPresenceOptions {
  now: () => number;
  /** This process, among the instances sharing the Redis. */
  instanceId: string;
  /** How long an instance counts as alive without renewing its liveness key (its heartbeat). */
  instanceTtlMs: number;
  /** Grace before offline, also applied by the sweeper to connections of dead instances. */
  graceMs: number;
}

/**
 * Presence per connection, with liveness per instance: a connection counts until it is disconnected or
 * until its instance stops renewing one liveness key (`heartbeat`, one command per instance however many
 * connections it holds). Every instance's `sweep` notices dead instances, ends the connections they held,
 * and takes users offline once the grace period has passed, publishing each change once.
 */
export const createRedisPresence = (redis: Redis, keys: Keys, options: RedisPresenceOptions) => {
  const connect = defineScript(redis, 'roomcastPresenceConnect', PRESENCE_CONNECT, 5);
  const disconnect = defineScript(redis, 'roomcastPresenceDisconnect', PRESENCE_DISCONNECT, 3);
  const expire = defineScript(redis, 'roomcastPresenceExpire', PRESENCE_EXPIRE, 4);
  const sweepRoom = defineScript(redis, 'roomcastPresenceSweep', PRESENCE_SWEEP, 5);
  const endInstance = defineScript(redis, 'roomcastPresenceEndInstance', PRESENCE_END_INSTANCE, 2);
  const typingStart = defineScript(redis, 'roomcastTypingStart', TYPING_START, 2);
  const typingClear = defineScript(redis, 'roomcastTypingClear', TYPING_CLEAR, 2);
  const scheduleDue = defineScript(redis, 'roomcastPresenceDueSchedule', DUE_SCHEDULE, 1);
  const settleDue = defineScript(redis, 'roomcastPresenceDueSettle', DUE_SETTLE, 1);
  /** The room's sweep is due at `dueAt` (or earlier, if it already was). */
  const dueAt = (roomId: string, at: number) => scheduleDue([keys.presenceDue], [roomId, at, options.now()]);
  const { instanceId } = options;
  /** Connections held by this instance, by (room, user, connection), kept to re-register them if needed. */
  const held = new Map<string, { roomId: string; userId: string; userName: string; connectionId: string }>();
  const heldKey = (roomId: string, userId: string, connectionId: string) => compositeKey(roomId, userId, connectionId);
  const registeredRooms = new Set<string>();

  const register = async (roomId: string, userId: string, userName: string, connectionId: string) => {
    const room = keys.room(roomId);
    if (!registeredRooms.has(roomId)) {
      // Listed before the connection is stored, so a sweeper that finds this instance dead finds the room.
      await redis.sadd(keys.instanceRooms(instanceId), roomId);
      registeredRooms.add(roomId);
    }
    const cameOnline = await connect(
      [room.presenceUsers, room.presenceNames, room.presenceConnections(userId), room.presenceAlive, room.presenceHeldBy(instanceId)],
      [userId, userName, connectionId],
    );
    return cameOnline === 1;
  };

  const presence: PresenceStore = {
    async connect(roomId, userId, userName, connectionId) {
      held.set(heldKey(roomId, userId, connectionId), { roomId, userId, userName, connectionId });
      return register(roomId, userId, userName, connectionId);
    },
    async disconnect(roomId, userId, connectionId) {
      held.delete(heldKey(roomId, userId, connectionId));
      const room = keys.room(roomId);
      const nowMs = options.now();
      const result = await disconnect([room.presenceConnections(userId), room.presenceAlive, room.presenceHeldBy(instanceId)], [connectionId, nowMs, userId]);
      // The caller's grace timer takes the user offline; should its process die first, the sweep does.
      if (result === 1) await dueAt(roomId, nowMs + options.graceMs);
      return result === 1;
    },
    async expire(roomId, userId) {
      const room = keys.room(roomId);
      return (await expire([room.presenceUsers, room.presenceNames, room.presenceConnections(userId), room.presenceAlive], [userId, options.now()])) === 1;
    },
    online: (roomId) => redis.zrange(keys.room(roomId).presenceUsers, 0, -1),
  };

  /**
   * Ends, as of `nowMs`, every connection an instance held (its users start their grace period, and the
   * sweep takes those who do not come back offline), then its room list and its registration.
   */
  const endHoldings = async (id: string, nowMs: number) => {
    for (const roomId of await redis.smembers(keys.instanceRooms(id))) {
      const room = keys.room(roomId);
      await endInstance([room.presenceAlive, room.presenceHeldBy(id)], [nowMs, room.presenceConnections('')]);
      await dueAt(roomId, nowMs + options.graceMs);
    }
    await redis.del(keys.instanceRooms(id));
    await redis.srem(keys.instances, id);
  };

  /** Ends what dead instances held. */
  const endDeadInstances = async () => {
    const others = (await redis.smembers(keys.instances)).filter((id) => id !== instanceId);
    if (others.length === 0) return;
    const pipeline = redis.pipeline();
    for (const id of others) pipeline.exists(keys.instanceAlive(id));
    const alive = (await pipeline.exec()) ?? [];
    const nowMs = options.now();
    for (const [i, id] of others.entries()) {
      if (alive[i]?.[1] !== 1) await endHoldings(id, nowMs);
    }
  };

  const typing: TypingStore = {
    async start(roomId, userId, userName, expiresAt) {
      const room = keys.room(roomId);
      const started = (await typingStart([room.typing, room.typingNames], [userId, userName, expiresAt])) === 1;
      // An extended indicator needs nothing: the sweep due at its first expiry finds the later one.
      if (started) await dueAt(roomId, expiresAt);
      return started;
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
    /**
     * Renews this instance's liveness. If it had lapsed (a long pause, a Redis outage) others may have
     * ended its connections: they are registered again.
     */
    async heartbeat() {
      const previous = await redis.set(keys.instanceAlive(instanceId), '1', 'PX', options.instanceTtlMs, 'GET');
      await redis.sadd(keys.instances, instanceId);
      if (previous !== null || held.size === 0) return;
      registeredRooms.clear();
      for (const { roomId, userId, userName, connectionId } of held.values()) await register(roomId, userId, userName, connectionId);
    },
    /**
     * Leaves at shutdown: what this instance held ends now, as if it had died, but without the wait for
     * its liveness key to expire; the other instances' sweeps take its users offline after the grace
     * period unless they reconnect elsewhere first.
     */
    async release() {
      held.clear();
      await endHoldings(instanceId, options.now());
      await redis.del(keys.instanceAlive(instanceId));
    },
    /**
     * Ends presence and typing left behind (by dead instances, or grace timers that died with theirs) in
     * the rooms whose sweep is due: the work is proportional to what expires, not to the rooms with
     * presence. At most SWEEP_BATCH rooms a round; the rest are still due at the next.
     */
    async sweep() {
      await endDeadInstances();
      const nowMs = options.now();
      for (const roomId of await redis.zrangebyscore(keys.presenceDue, '-inf', nowMs, 'LIMIT', 0, SWEEP_BATCH)) {
        const room = keys.room(roomId);
        const nextDue = await sweepRoom(
          [room.presenceUsers, room.presenceNames, room.typing, room.typingNames, room.presenceAlive],
          [nowMs, options.graceMs, room.channel, roomId, room.presenceConnections('')],
        );
        await settleDue([keys.presenceDue], [roomId, Number(nextDue), nowMs]);
      }
    },
  };
};
