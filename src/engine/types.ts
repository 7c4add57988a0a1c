// The engine is everything that must be shared between instances, in two halves:
// - the Store holds durable records (users, rooms, memberships, messages, read pointers, timer state):
//   memory (one process, lost on exit) or PostgreSQL (survives every process);
// - the Realtime half carries what is live (the room bus, presence, typing, rate limits):
//   memory (one process) or Redis (many instances as one server).
// Each pair is held to the same guarantees by one contract suite (test/contract/store-contract.ts and
// test/contract/realtime-contract.ts). A write is committed to the Store first and published on the bus
// after: a subscriber that sees a message can always read it back, and one that missed a publish finds
// the message in the Store by its seq.

export interface UserRecord {
  readonly id: string;
  readonly name: string;
}

export interface RoomRecord {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
  readonly ownerId: string;
  readonly createdAt: number;
  /** Creation order across the store, increasing (not necessarily dense); rooms are listed by it. */
  readonly ordinal: number;
}

export interface NewRoom {
  readonly id: string;
  readonly name: string;
  readonly private: boolean;
  readonly ownerId: string;
  /** Members besides the owner (the owner is always a member). */
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
  /** False when `clientId` matched an earlier message of the same author: nothing new was stored. */
  readonly created: boolean;
  /**
   * Webhook deliveries this append queued (one per endpoint subscribed to the room; 0 when nothing new
   * was stored): the delivery worker is woken only when there is something for it.
   */
  readonly webhookDeliveries: number;
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
  /** Epoch ms when the timer became STOPPED or FINISHED, else null; ended timers are purged after a while. */
  readonly endedAt: number | null;
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

/**
 * Rooms and memberships. Memberships are records of their own (never a list inside the room), so that
 * joining a room of 100,000 members costs what joining an empty one does, and a membership check reads
 * one record.
 */
export interface RoomStore {
  /** Stores the room; the owner and `memberIds` become members, the owner first. */
  create(room: NewRoom): Promise<RoomRecord>;
  get(roomId: string): Promise<RoomRecord | undefined>;
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** Member ids in join order (the owner first), at most `limit`. */
  members(roomId: string, limit: number): Promise<string[]>;
  /** Adds a member (no-op if present); undefined if the room does not exist. */
  addMember(roomId: string, userId: string): Promise<RoomRecord | undefined>;
  /** Removes a member (no-op if absent); undefined if the room does not exist. */
  removeMember(roomId: string, userId: string): Promise<RoomRecord | undefined>;
  /**
   * Rooms the viewer may see (public ones and private ones they belong to), by ascending ordinal,
   * starting after `afterOrdinal`; `hasMore` says whether more visible rooms follow. Costs O(limit):
   * the viewer's own rooms and the directory of public rooms are read in order and merged, so other
   * users' private rooms are never scanned.
   */
  listVisible(query: { viewerId: string; afterOrdinal: number; limit: number }): Promise<{
    rooms: RoomRecord[];
    hasMore: boolean;
  }>;
}

/** Where a room's history starts and ends. */
export interface LogBounds {
  /** The highest `seq` of the room; 0 when it has no messages. */
  readonly head: number;
  /** Messages with `seq <= prunedThrough` were deleted by retention; 0 when none were. */
  readonly prunedThrough: number;
}

export interface MessageStore {
  /**
   * In one atomic step per room: if `clientId` is set and this author already sent it in this room, return
   * that message (`created: false`); otherwise take the next `seq` (1, 2, 3 …, no gaps, none repeated, also
   * across instances) and store the message, with a webhook delivery for each endpoint subscribed to the
   * room (WebhookStore). Commits before it resolves and publishes nothing: the caller publishes after.
   * `NOT_FOUND` when the room does not exist.
   */
  append(message: NewMessage): Promise<AppendResult>;
  /** The highest `seq` of the room; 0 when it has no messages (or no such room). */
  head(roomId: string): Promise<number>;
  bounds(roomId: string): Promise<LogBounds>;
  /** Messages with `fromSeq <= seq <= toSeq` that are still kept, ascending. */
  range(roomId: string, fromSeq: number, toSeq: number): Promise<MessageRecord[]>;
  /**
   * A point in time: the `seq` of the earliest-created kept message with `createdAt >= atMs` (ties: the
   * lowest seq), or `head + 1` when there is none (0 + 1 for a room without messages).
   */
  seqAt(roomId: string, atMs: number): Promise<number>;
  /**
   * Retention: deletes up to `limit` messages created before `beforeMs` (oldest first, per room) and
   * moves each touched room's `prunedThrough`; returns how many were deleted.
   */
  deleteOlderThan(beforeMs: number, limit: number): Promise<number>;
}

export interface DueTimer {
  readonly timerId: string;
  readonly dueAt: number;
}

/**
 * Timer state, and the schedule of what is due when (`TimerRecord.nextDueAt`). The schedule lives with
 * the records so that it survives whatever the records survive: a store that outlives the process
 * keeps running timers running.
 */
export interface TimerStore {
  /**
   * Atomically: unless the room already has `maxActive` RUNNING or PAUSED timers, store the timer (due at
   * its `nextDueAt`). Returns false (and changes nothing) at the limit. Costs O(1) in ended timers.
   */
  create(timer: TimerRecord, maxActive: number): Promise<boolean>;
  get(timerId: string): Promise<TimerRecord | undefined>;
  /** The room's newest `limit` timers, oldest first. */
  listByRoom(roomId: string, limit: number): Promise<TimerRecord[]>;
  /**
   * Compare-and-set: if the stored timer still has `expectedVersion`, store `next` (due at its
   * `nextDueAt`; null: nothing more is due); otherwise change nothing and return false. This is how a
   * tick or a finish is emitted exactly once when many schedulers race.
   */
  transition(next: TimerRecord, expectedVersion: number): Promise<boolean>;
  /** Timers whose due time is at or before `nowMs`, earliest first, at most `limit`. */
  due(nowMs: number, limit: number): Promise<DueTimer[]>;
  /** The earliest due time of any timer (after `afterMs`, when given), if any is due at all. */
  nextDueAt(afterMs?: number): Promise<number | undefined>;
  /** How many timers are RUNNING across the store; for metrics. */
  countRunning(): Promise<number>;
  /** Deletes up to `limit` timers that ended before `endedBeforeMs`; returns how many. */
  purgeEnded(endedBeforeMs: number, limit: number): Promise<number>;
}

/** Read pointers, one per user per room, that only move forward. */
export interface ReceiptStore {
  /** Moves the user's pointer to `receipt.seq` if that is further than where it is. Returns it as it is afterwards. */
  advance(receipt: ReceiptRecord): Promise<{ receipt: ReceiptRecord; moved: boolean }>;
  get(roomId: string, userId: string): Promise<ReceiptRecord | undefined>;
}

/** A registered webhook endpoint (admins only). `secret` signs deliveries (Standard Webhooks, `whsec_…`). */
export interface WebhookEndpointRecord {
  readonly id: string;
  readonly url: string;
  readonly roomIds: readonly string[];
  readonly secret: string;
  readonly createdAt: number;
}

/** Delivered deliveries are deleted; what stays is pending, or failed for good after the last attempt. */
export type WebhookDeliveryStatus = 'PENDING' | 'FAILED';

/** One message for one endpoint: a row of the outbox. */
export interface WebhookDeliveryRecord {
  /** The `webhook-id` header: the same on every attempt, different for every message and endpoint. */
  readonly id: string;
  readonly endpointId: string;
  readonly roomId: string;
  readonly seq: number;
  readonly status: WebhookDeliveryStatus;
  /** Attempts started so far (a claim counts as one, even if its instance died before finishing it). */
  readonly attempts: number;
  /** Not attempted before this instant (epoch ms). */
  readonly nextAttemptAt: number;
  readonly lastError: string | null;
  readonly createdAt: number;
}

/** A delivery claimed for one attempt; `delivery.attempts` includes this one and fences the outcome. */
export interface WebhookClaim {
  readonly delivery: WebhookDeliveryRecord;
  readonly url: string;
  readonly secret: string;
}

/**
 * Webhook endpoints and their outbox. Deliveries are queued by `MessageStore.append` itself, in the same
 * atomic step as the message (one per endpoint subscribed to the room), so a committed message always has
 * its deliveries and they are queued in seq order.
 */
export interface WebhookStore {
  createEndpoint(endpoint: WebhookEndpointRecord): Promise<WebhookEndpointRecord>;
  /** Oldest first. */
  listEndpoints(): Promise<WebhookEndpointRecord[]>;
  /** Removes the endpoint and its deliveries; undefined when there was none. */
  deleteEndpoint(endpointId: string): Promise<WebhookEndpointRecord | undefined>;
  /**
   * Leases up to `limit` deliveries due at `nowMs` until `nowMs + leaseMs`, counting an attempt for each.
   * Only the lowest pending seq of each (endpoint, room) is ever claimable, so one endpoint gets one room
   * in seq order; a later one waits until the earlier is delivered or failed for good. A leased delivery
   * is claimed by no one else (on every instance) until its lease runs out: then it is claimable again,
   * which is how a delivery whose instance died is retried (at least once, never lost).
   */
  claim(nowMs: number, leaseMs: number, limit: number): Promise<WebhookClaim[]>;
  /**
   * Outcomes of a claim. Each changes nothing unless the delivery is still at the claim's attempt (a
   * claim whose lease ran out and was taken again has lost the right to decide).
   */
  delivered(delivery: Pick<WebhookDeliveryRecord, 'id' | 'attempts'>): Promise<void>;
  retryLater(delivery: Pick<WebhookDeliveryRecord, 'id' | 'attempts'>, nextAttemptAt: number, error: string): Promise<void>;
  failed(delivery: Pick<WebhookDeliveryRecord, 'id' | 'attempts'>, error: string): Promise<void>;
  /** An endpoint's deliveries with this status, oldest first, at most `limit`. */
  deliveries(endpointId: string, status: WebhookDeliveryStatus, limit: number): Promise<WebhookDeliveryRecord[]>;
}

export type ApiScope = 'HISTORY_READ' | 'EVENTS_SUBSCRIBE';

/** A partner's API key. Only a keyed hash of its secret is kept; the secret itself is shown once. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly ApiScope[];
  /** The grant: the key sees these rooms (private ones included) and no others. */
  readonly roomIds: readonly string[];
  /** HMAC-SHA256 of the secret under the server's key-hash secret, hex. */
  readonly secretHash: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

export interface ApiKeyStore {
  create(key: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, newest first, at most `limit`. */
  list(limit: number): Promise<ApiKeyRecord[]>;
  /** Sets `revokedAt` unless already set (the first revocation wins); the key as it is afterwards, undefined if unknown. */
  revoke(id: string, atMs: number): Promise<ApiKeyRecord | undefined>;
  /** Moves `lastUsedAt` forward to `atMs` (never back). */
  touch(id: string, atMs: number): Promise<void>;
}

/** The durable half of the engine. */
export interface Store {
  readonly kind: 'memory' | 'postgres';
  /**
   * Names this store's history. Cursors carry it, so a store that lost its data (or the memory store of
   * an earlier process) never gives an old cursor a new meaning.
   */
  readonly epoch: string;
  /**
   * Set when other processes share the store: each timer scheduler then also polls the schedule this
   * often, so a timer whose instance died carries on from a live one.
   */
  readonly timerPollMs?: number;
  readonly users: UserStore;
  readonly rooms: RoomStore;
  readonly messages: MessageStore;
  readonly timers: TimerStore;
  readonly receipts: ReceiptStore;
  readonly webhooks: WebhookStore;
  readonly apiKeys: ApiKeyStore;
  /** Resolves when the store answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
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
   * cheap and must not throw. Each instance holds one subscription per room, shared by all of its local
   * listeners, and only rooms with listeners wake the instance. When the bus may have missed events (its
   * connection dropped and came back) every local room gets a `resync`.
   *
   * Events one instance publishes reach that instance's listeners in publish order across all rooms, so
   * a marker it publishes and sees come back means everything it published before has been delivered
   * to it (the shutdown barrier, services/bus-barrier.ts, relies on this).
   */
  subscribe(roomId: string, listener: RoomListener): Promise<Unsubscribe>;
}

/** The live half of the engine. Holds nothing that must outlive a restart. */
export interface Realtime {
  readonly kind: 'memory' | 'redis';
  readonly bus: RoomBus;
  readonly presence: PresenceStore;
  readonly typing: TypingStore;
  /** A rate limiter whose counts are shared by every instance on this realtime half. */
  rateLimiter(rule: RateLimitRule): RateLimiter;
  /** Resolves when the backing service answers; rejects otherwise (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Both halves as the services see them (see compose-engine.ts). */
export interface Engine extends Omit<Store, 'kind' | 'ping' | 'close'>, Omit<Realtime, 'kind' | 'ping' | 'close'> {
  /** `store+realtime`, e.g. `memory+memory` or `postgres+redis`. */
  readonly kind: string;
  readonly store: Store;
  readonly realtime: Realtime;
  /** Resolves when both halves answer. */
  ping(): Promise<void>;
  /** Closes the realtime half, then the store. */
  close(): Promise<void>;
}
