-- Up Migration

-- Partner API keys (docs/partners.md). Only a keyed hash of each secret is stored; room_ids is the grant
-- (a key sees these rooms and no others), kept as an array because it is read whole with the key.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  name text NOT NULL,
  scopes text[] NOT NULL,
  room_ids text[] NOT NULL,
  secret_hash text NOT NULL,
  created_by text NOT NULL,
  created_at bigint NOT NULL,
  last_used_at bigint,
  revoked_at bigint
);
CREATE INDEX api_keys_by_created_at ON api_keys (created_at DESC, id DESC);

-- Room.cursorAt: the earliest message of a room at or after a time, in one index probe.
CREATE INDEX messages_by_room_created_at ON messages (room_id, created_at, seq);

-- Down Migration
DROP INDEX messages_by_room_created_at;
DROP TABLE api_keys;
