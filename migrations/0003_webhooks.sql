-- Up Migration

-- Webhooks: endpoints registered by admins, and the outbox of deliveries (docs/partners.md, "Webhooks").

CREATE TABLE webhook_endpoints (
  id text PRIMARY KEY,
  url text NOT NULL,
  -- The Standard Webhooks signing secret (whsec_…): kept in clear, since every delivery is signed with it.
  secret text NOT NULL,
  created_at bigint NOT NULL
);

-- Which endpoints want which rooms: an append finds its room's endpoints by the primary key.
CREATE TABLE webhook_subscriptions (
  room_id text NOT NULL,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  position int NOT NULL,
  PRIMARY KEY (room_id, endpoint_id)
);
CREATE INDEX webhook_subscriptions_by_endpoint ON webhook_subscriptions (endpoint_id, position);

-- The outbox: one row per message per subscribed endpoint, inserted by the message append's own
-- statement. Delivered rows are deleted; FAILED rows stay for admins to read.
CREATE TABLE webhook_deliveries (
  -- The webhook-id header, the same on every attempt.
  id text PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  room_id text NOT NULL,
  seq bigint NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'FAILED')),
  -- Attempts started; a claim increments it, and an outcome only applies at the attempt it claimed.
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL DEFAULT 0,
  -- A claimed delivery is someone's until then; after it (its instance died), it is claimable again.
  leased_until bigint NOT NULL DEFAULT 0,
  last_error text,
  created_at bigint NOT NULL,
  UNIQUE (endpoint_id, room_id, seq)
);
-- The head of each (endpoint, room) queue: the claim reads pending rows in this order.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, room_id, seq) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (endpoint_id, created_at) WHERE status = 'FAILED';

-- Down Migration
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE webhook_endpoints;
