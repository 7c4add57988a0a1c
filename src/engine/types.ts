// The engine is everything that must be shared between instances: stored state and the room bus.
// The memory engine (one process) and the Redis engine (many) implement this interface and are held
// to the same guarantees by one contract suite (test/contract/engine-contract.ts).

export interface UserRecord {
  readonly id: string;
  readonly name: string;
}

export interface RoomRecord {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
  readonly ownerId: string;
  /** In join order; the owner first. */
  readonly memberIds: readonly string[];
  readonly createdAt: number;
  /** Creation order across the engine, 1, 2, 3 …; rooms are listed by it. */
  readonly ordinal: number;
}

export interface NewRoom {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
  readonly ownerId: string;
  readonly memberIds: readonly string[];
  readonly createdAt: number;
}

export interface MessageRecord {
  readonly id: string;
  readonly roomId: string;
  readonly seq: number;
  readonly authorId: string;
  /** The author's name when the message was sent. */
  readonly authorName: string;
  readonly body: string;
  readonly clientId: string | null;
  readonly createdAt: number;
}

export interface NewMessage {
  readonly roomId: string;
  readonly authorId: string;
  readonly authorName: string;
  readonly body: string;
  readonly clientId: string | null;
  readonly createdAt: number;
}

export interface AppendResult {
  readonly message: MessageRecord;
  /** False when `clientId` matched an earlier message of the same author: nothing was stored or published. */
  readonly created: boolean;
}

export interface MessageAddedEvent {
  readonly kind: 'message';
  readonly message: MessageRecord;
}

export type TimerStatus = 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FINISHED';

/**
 * A server-owned countdown, stored as state rather than counted down: while RUNNING the remaining time
 * is `endsAt - now`; while PAUSED it is `pausedRemainingMs`; once ended it is frozen in
 * `pausedRemainingMs` (0 when FINISHED).
 */
export interface TimerRecord {
  readonly id: string;
  readonly roomId: string;
  readonly label: string | null;
  readonly durationMs: number;
  readonly tickMs: number;
  readonly status: TimerStatus;
  readonly startedBy: string;
  readonly startedByName: string;
  readonly startedAt: number;
  /** Epoch ms of the deadline while RUNNING, else null. */
  readonly endsAt: number | null;
  /** Remaining time while not RUNNING. */
  readonly pausedRemainingMs: number;
  /**
   * When the next tick or the finish is due while RUNNING, else null. Kept in the record (as well as in
   * the engine's schedule) so that a scheduler holding a stale due entry sees that it is stale.
   */
  readonly nextDueAt: number | null;
  /** Bumped by every change and tick; lets transitions compare-and-set and streams drop duplicates. */
  readonly version: number;
}

export interface TimerChangedEvent {
  /**
   * `timer`: a change of state (start, pause, resume, stop, finish), shown in `roomEvents`;
   * `timer-tick`: a deadline-aligned tick of a RUNNING timer, shown only by `timerTicked`.
   */
  readonly kind: 'timer' | 'timer-tick';
  readonly timer: TimerRecord;
  /** The remaining time at `at`, the ideal instant of this event (a tick lands exactly on a multiple). */
  readonly remainingMs: number;
  readonly at: number;
}

export interface PresenceChangedEvent {
  readonly kind: 'presence';
  readonly roomId: string;
  readonly userId: string;
  readonly userName: string;
  readonly online: boolean;
}

export interface TypingChangedEvent {
  readonly kind: 'typing';
  readonly roomId: string;
  readonly userId: string;
  readonly userName: string;
  readonly typing: boolean;
}

export interface ReceiptRecord {
  readonly roomId: string;
  readonly userId: string;
  readonly userName: string;
  readonly seq: number;
  readonly messageId: string;
  readonly readAt: number;
}

export interface ReceiptAddedEvent {
  readonly kind: 'receipt';
  readonly receipt: ReceiptRecord;
}

/** Internal: lets streams of a user who left a private room end at once. Never sent to clients. */
export interface MembershipChangedEvent {
  readonly kind: 'membership';
  readonly roomId: string;
  readonly userId: string;
  readonly member: boolean;
}

/** Everything published on a room topic. Timers, presence, typing and receipts add members here. */
/**
 * Internal: the engine's own subscription may have missed events (e.g. its connection to Redis dropped
 * and came back); message streams re-read the log from where they are. Never sent to clients.
 */
export interface ResyncEvent {
  readonly kind: 'resync';
  readonly roomId: string;
}

export type RoomEventRecord =
  | MessageAddedEvent
  | TimerChangedEvent
  | PresenceChangedEvent
  | TypingChangedEvent
  | ReceiptAddedEvent
  | MembershipChangedEvent
  | ResyncEvent;

export type RoomListener = (event: RoomEventRecord) => void;

export interface UserStore {
  /** Records the display name of a user (from their latest token). */
  remember(user: UserRecord): Promise<void>;
  /** Known users by id; ids never seen are absent. */
  getMany(ids: readonly string[]): Promise<Map<string, UserRecord>>;
}

export interface RoomStore {
  create(room: NewRoom): Promise<RoomRecord>;
  get(roomId: string): Promise<RoomRecord | undefined>;
  /** Adds a member (no-op if present); undefined if the room does not exist. */
  addMember(roomId: string, userId: string): Promise<RoomRecord | undefined>;
  /** Removes a member (no-op if absent); undefined if the room does not exist. */
  removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined>;
  /**
   * Rooms the viewer may see (public ones and private ones they belong to), by ascending ordinal,
   * starting after `afterOrdinal`; `hasMore` says whether more visible rooms follow.
   */
  listVisible(query: { viewerId: string; afterOrdinal: number; limit: number }): Promise<{
    rooms: RoomRecord[];
    hasMore: boolean;
  }>;
}

export interface MessageLog {
  /**
   * In one atomic step per room: if `clientId` is set and this author already sent it in this room, return
   * that message (`created: false`); otherwise take the next `seq` (1, 2, 3 …, no gaps), store the message
   * and publish `MessageAdded` on the room topic. A message is in the log before any subscriber sees it,
   * and subscribers see a room's messages in `seq` order.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** The highest `seq` of the room; 0 when it has no messages. */
  head(roomId: string): Promise<number>;
  /** Messages with `fromSeq <= seq <= toSeq`, ascending. */
  range(roomId: string, fromSeq: number, toSeq: number): Promise<MessageRecord[]>;
}

export interface DueTimer {
  readonly timerId: string;
  readonly dueAt: number;
}

export interface TimerStore {
  /**
   * Atomically: unless the room already has `maxActive` RUNNING or PAUSED timers, store the timer, set its
   * first due time and publish `event`. Returns false (and changes nothing) at the limit.
   */
  create(timer: TimerRecord, dueAt: number | null, event: TimerChangedEvent, maxActive: number): Promise<boolean>;
  get(timerId: string): Promise<TimerRecord | undefined>;
  /** The room's timers, oldest first. */
  listByRoom(roomId: string): Promise<TimerRecord[]>;
  /**
   * Compare-and-set: if the stored timer still has `expectedVersion`, store `next`, set its due time
   * (null: nothing more is due) and publish `event`, all in one step; otherwise change nothing and return
   * false. This is how a tick or a finish is emitted exactly once when many schedulers race.
   */
  transition(next: TimerRecord, expectedVersion: number, dueAt: number | null, event: TimerChangedEvent): Promise<boolean>;
  /** Timers whose due time is at or before `nowMs`, earliest first, at most `limit`. */
  due(nowMs: number, limit: number): Promise<DueTimer[]>;
  /** The earliest due time of any timer, if any is due at all. */
  nextDueAt(): Promise<number | undefined>;
  /** How many timers are RUNNING across the engine (each has one due time in the schedule); for metrics. */
  countRunning(): Promise<number>;
}

/**
 * Who is online in a room, from connections. A user is online while at least one of their connections
 * holds a subscription on the room, and stays online through a grace period after the last one ends
 * (until `expire`), so that a reload does not flicker.
 */
export interface PresenceStore {
  /** Adds a connection of the user; true when the user was offline (not merely in grace) before. */
  connect(roomId: string, userId: string, userName: string, connectionId: string): Promise<boolean>;
  /** Removes a connection; true when the user has no connection left in the room (grace begins). */
  disconnect(roomId: string, userId: string, connectionId: string): Promise<boolean>;
  /** Ends the grace period: if the user still has no connection, they go offline and this returns true, once. */
  expire(roomId: string, userId: string): Promise<boolean>;
  /** Users online now (with a connection, or in grace), in the order they came online. */
  online(roomId: string): Promise<string[]>;
}

/** Typing indicators, each with an expiry instant. */
export interface TypingStore {
  /** Sets or renews the indicator until `expiresAt`; true when the user was not typing before. */
  start(roomId: string, userId: string, userName: string, expiresAt: number): Promise<boolean>;
  /** Clears the indicator; true when the user was typing. */
  stop(roomId: string, userId: string): Promise<boolean>;
  /** Clears the indicator if it has expired by `nowMs`; true when it did (exactly once). */
  expire(roomId: string, userId: string, nowMs: number): Promise<boolean>;
  /** Users typing as of `nowMs`. */
  list(roomId: string, nowMs: number): Promise<string[]>;
}

/** Read pointers, one per user per room, that only move forward. */
export interface ReceiptStore {
  /**
   * Moves the user's pointer to `receipt.seq` if that is further than where it is, and then publishes
   * `ReadReceiptAdded`. Returns the pointer as it is afterwards and whether it moved.
   */
  advance(receipt: ReceiptRecord): Promise<{ receipt: ReceiptRecord; moved: boolean }>;
  get(roomId: string, userId: string): Promise<ReceiptRecord | undefined>;
}

/** A budget of `points` calls per key per window of `durationSec`. */
export interface RateLimitRule {
  readonly name: string;
  readonly points: number;
  readonly durationSec: number;
}

export interface RateLimiter {
  /** Takes one point for `key`; refused when the window's budget is spent, with the wait until it refills. */
  consume(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
}

export interface Unsubscribe {
  (): Promise<void>;
}

export interface RoomBus {
  /** Delivers `event` to every subscriber of the room on every instance. */
  publish(roomId: string, event: RoomEventRecord): Promise<void>;
  /**
   * Calls `listener` for each event of the room, in publish order, until unsubscribed. Listeners must be
   * cheap and must not throw. Each instance holds one engine-level subscription per room, shared by all
   * of its local listeners, and only rooms with listeners wake the instance.
   */
  subscribe(roomId: string, listener: RoomListener): Promise<Unsubscribe>;
}

export interface Engine {
  readonly kind: 'memory' | 'redis';
  /**
   * Set when other processes can create or take over timers (Redis): each scheduler then also polls the
   * shared schedule this often, so a timer whose instance died carries on from a live one.
   */
  readonly timerPollMs?: number;
  readonly users: UserStore;
  readonly rooms: RoomStore;
  readonly messages: MessageLog;
  readonly timers: TimerStore;
  readonly presence: PresenceStore;
  readonly typing: TypingStore;
  readonly receipts: ReceiptStore;
  readonly bus: RoomBus;
  /** A rate limiter whose counts are shared by every instance on this engine. */
  rateLimiter(rule: RateLimitRule): RateLimiter;
  /** Resolves when the engine's backing store answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
