-- Up Migration

-- The store's schema, version 1. Every time is bigint epoch milliseconds (as the engine interface speaks),
-- every id is text (as the services make them). docs/postgres.md says why each index exists.

-- One row naming this database's history: cursors carry it, so a new database never gives an old cursor
-- a new meaning.
CREATE TABLE meta (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch uuid NOT NULL DEFAULT gen_random_uuid()
);
INSERT INTO meta DEFAULT VALUES;

CREATE TABLE users (
  id text PRIMARY KEY,
  name text NOT NULL
);

CREATE TABLE rooms (
  id text PRIMARY KEY,
  -- Creation order; rooms are listed by it (keyset pagination).
  ordinal bigint GENERATED ALWAYS AS IDENTITY,
  name text NOT NULL,
  private boolean NOT NULL,
  owner_id text NOT NULL,
  created_at bigint NOT NULL,
  -- The last seq handed out. An append takes the next one with UPDATE ... RETURNING, whose row lock
  -- serializes appends per room: commit order is seq order, with no gap and no repeat.
  last_seq bigint NOT NULL DEFAULT 0,
  -- Messages with seq <= pruned_through were deleted by retention.
  pruned_through bigint NOT NULL DEFAULT 0
);
-- The directory of public rooms, in order; private rooms are not in it at all.
CREATE INDEX rooms_public_by_ordinal ON rooms (ordinal) WHERE NOT private;

-- One row per member: joining costs one insert whatever the room's size.
CREATE TABLE memberships (
  room_id text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  -- Join order across the store (members are listed in it).
  joined bigint GENERATED ALWAYS AS IDENTITY,
  -- A copy of rooms.ordinal (never changes), so a user's rooms are read in listing order from the index.
  room_ordinal bigint NOT NULL,
  PRIMARY KEY (room_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, room_ordinal);
CREATE INDEX memberships_by_join ON memberships (room_id, joined);

CREATE TABLE messages (
  room_id text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  author_id text NOT NULL,
  author_name text NOT NULL,
  body text NOT NULL,
  client_id text,
  created_at bigint NOT NULL,
  PRIMARY KEY (room_id, seq)
);
-- Idempotency: one message per (room, author, clientId); a concurrent duplicate fails here and reads the winner.
CREATE UNIQUE INDEX messages_by_client_id ON messages (room_id, author_id, client_id) WHERE client_id IS NOT NULL;
-- Retention deletes the oldest first, in bounded batches.
CREATE INDEX messages_by_created_at ON messages (created_at);

-- Read pointers: one per user per room, forward only.
CREATE TABLE receipts (
  room_id text NOT NULL,
  user_id text NOT NULL,
  user_name text NOT NULL,
  seq bigint NOT NULL,
  message_id text NOT NULL,
  read_at bigint NOT NULL,
  PRIMARY KEY (room_id, user_id)
);

CREATE TABLE timers (
  id text PRIMARY KEY,
  room_id text NOT NULL,
  -- Creation order within the store, for listing a room's newest timers.
  created bigint GENERATED ALWAYS AS IDENTITY,
  label text,
  duration_ms bigint NOT NULL,
  tick_ms bigint NOT NULL,
  status text NOT NULL CHECK (status IN ('RUNNING', 'PAUSED', 'STOPPED', 'FINISHED')),
  started_by text NOT NULL,
  started_by_name text NOT NULL,
  started_at bigint NOT NULL,
  ends_at bigint,
  paused_remaining_ms bigint NOT NULL,
  -- The schedule: null when nothing is due (not RUNNING).
  next_due_at bigint,
  version bigint NOT NULL,
  ended_at bigint
);
CREATE INDEX timers_due ON timers (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX timers_by_room ON timers (room_id, created);
-- Active timers only: counting a room's (for the per-room limit) or the store's RUNNING ones never
-- reads ended timers.
CREATE INDEX timers_active ON timers (room_id, status) WHERE status IN ('RUNNING', 'PAUSED');
CREATE INDEX timers_ended ON timers (ended_at) WHERE ended_at IS NOT NULL;

-- Down Migration
DROP TABLE timers;
DROP TABLE receipts;
DROP TABLE messages;
DROP TABLE memberships;
DROP TABLE rooms;
DROP TABLE users;
DROP TABLE meta;
