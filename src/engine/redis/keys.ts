// Key layout. Every key of one room carries the hash tag `{room:<id>}`, so each room lives in one Redis
// Cluster slot and every atomic step (a Lua script) touches one room only. The few global keys are
// indexes, written by separate commands, never inside a room's script.

export interface RoomKeys {
  /** Room record (JSON). */
  meta: string;
  /** Last seq (INCR). */
  seq: string;
  /** The message log: a stream with entry ids `<seq>-1`. */
  log: string;
  /**
   * `<authorId>\n<clientId>` -> seq, for idempotent sends. Unambiguous only because neither part may hold a
   * control character (checked at the edge: token claims and `clientId`); `compositeKey` needs no such rule.
   */
  idem: string;
  /** timerId -> timer (JSON). */
  timers: string;
  /** Timer ids, oldest first. */
  timerIds: string;
  /** timerId -> next due instant (the room's share of the timer schedule). */
  due: string;
  /** Present while the room is listed in the global timer index. */
  timersIndexed: string;
  /** userId -> order of coming online. */
  presenceUsers: string;
  /** userId -> display name, for events published without the service. */
  presenceNames: string;
  /** Present while the room is listed in the global presence index. */
  presenceIndexed: string;
  /** userId -> until when the user is known alive: +inf while they have a live connection, else when it ended. */
  presenceAlive: string;
  /** The connections one instance holds in this room, as `<length of userId>:<userId><connectionId>` (lua/presence.ts). */
  presenceHeldBy(instanceId: string): string;
  /** userId -> typing expiry (epoch ms). */
  typing: string;
  /** userId -> display name of typers. */
  typingNames: string;
  /** userId -> read receipt (JSON). */
  receipts: string;
  /** The pub/sub channel of the room's events. */
  channel: string;
  /** connectionId -> expiry of that connection's presence (epoch ms), for one user. */
  presenceConnections(userId: string): string;
}

export interface Keys {
  room(roomId: string): RoomKeys;
  /** Global: next room ordinal. */
  roomOrdinal: string;
  /** Global: ordinal -> roomId, for listing. */
  roomsByOrdinal: string;
  /** Global: the display name of a user. */
  user(userId: string): string;
  /** Global: timerId -> roomId. */
  timerRoom(timerId: string): string;
  /** Global: rooms that may have timers due. */
  timerRooms: string;
  /** Global: rooms that may have presence or typing state to sweep. */
  presenceRooms: string;
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
      meta: `${base}:meta`,
      seq: `${base}:seq`,
      log: `${base}:log`,
      idem: `${base}:idem`,
      timers: `${base}:timers`,
      timerIds: `${base}:timer-ids`,
      due: `${base}:due`,
      timersIndexed: `${base}:timers-indexed`,
      presenceUsers: `${base}:presence`,
      presenceNames: `${base}:presence-names`,
      presenceIndexed: `${base}:presence-indexed`,
      presenceAlive: `${base}:presence-alive`,
      presenceHeldBy: (instanceId) => `${base}:presence-held:${instanceId}`,
      typing: `${base}:typing`,
      typingNames: `${base}:typing-names`,
      receipts: `${base}:receipts`,
      channel: `${base}:events`,
      presenceConnections: (userId) => `${base}:presence:u:${userId}`,
    };
  },
  roomOrdinal: `${prefix}:rooms:ordinal`,
  roomsByOrdinal: `${prefix}:rooms`,
  user: (userId) => `${prefix}:user:${userId}`,
  timerRoom: (timerId) => `${prefix}:timer:${timerId}`,
  timerRooms: `${prefix}:timer-rooms`,
  presenceRooms: `${prefix}:presence-rooms`,
  rateLimits: `${prefix}:rl`,
  instances: `${prefix}:instances`,
  instanceAlive: (instanceId) => `${prefix}:instance:${instanceId}`,
  instanceRooms: (instanceId) => `${prefix}:instance:${instanceId}:rooms`,
});
