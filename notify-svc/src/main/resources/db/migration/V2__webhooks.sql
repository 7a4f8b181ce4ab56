-- Partner webhooks: endpoints, their signing secrets, one delivery per (endpoint, event) or per
-- digest batch, and every attempt to deliver it. Deliveries are rows written in the Publish
-- transaction; the dispatcher takes due ones under a lease, so nothing network-bound ever runs
-- inside a database transaction and a crash mid-delivery only means a later retry.

create table webhook_endpoints (
  id                   uuid primary key,
  partner_client_id    text        not null,
  url                  text        not null,
  description          text        not null default '',
  -- Empty means every event type.
  event_types          text[]      not null default '{}',
  mode                 text        not null check (mode in ('PER_EVENT', 'DIGEST')),
  digest_window_ms     bigint      check (digest_window_ms is null or digest_window_ms > 0),
  contact_email        text,
  enabled              boolean     not null default true,
  disabled_reason      text,
  disabled_at          timestamptz,
  -- Failed attempts in a row (any delivery) and when that streak began: persistent failure
  -- disables the endpoint.
  consecutive_failures integer     not null default 0,
  failing_since        timestamptz,
  times_disabled       integer     not null default 0,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  check ((mode = 'DIGEST') = (digest_window_ms is not null))
);
create index webhook_endpoints_partner_idx on webhook_endpoints (partner_client_id, id);

-- Signing secrets: the newest signs; an older one keeps signing alongside until expires_at (the
-- rotation overlap), so receivers can switch secrets without missing a delivery.
create table webhook_secrets (
  id          uuid primary key,
  endpoint_id uuid        not null references webhook_endpoints (id) on delete cascade,
  secret      bytea       not null check (length(secret) >= 24),
  created_at  timestamptz not null default now(),
  expires_at  timestamptz
);
create index webhook_secrets_endpoint_idx on webhook_secrets (endpoint_id, created_at desc);

-- One row per thing to POST: an event (kind PER_EVENT, webhook-id = event id) or a digest batch
-- (kind DIGEST, webhook-id = this row's id). A digest is COLLECTING until its window closes.
create table webhook_deliveries (
  id              uuid primary key,
  endpoint_id     uuid        not null references webhook_endpoints (id) on delete cascade,
  kind            text        not null check (kind in ('PER_EVENT', 'DIGEST')),
  event_id        uuid        references events (event_id),
  ordering_key    text        not null,
  event_sequence  bigint      not null,
  -- Insertion order: breaks ties between deliveries of one key with the same sequence.
  seq             bigserial   not null,
  status          text        not null check (status in ('COLLECTING', 'PENDING', 'DELIVERED', 'PARKED')),
  -- Attempts in the current cycle (a replay starts a new cycle; the log keeps every attempt).
  attempts        integer     not null default 0,
  -- 0 at first; each replay starts the next cycle.
  cycle           integer     not null default 0,
  next_attempt_at timestamptz not null,
  lease_token     uuid,
  lease_until     timestamptz,
  item_count      integer     not null default 0,
  last_error      text,
  created_at      timestamptz not null default now(),
  delivered_at    timestamptz,
  parked_at       timestamptz,
  parked_reason   text,
  replayed_at     timestamptz,
  replayed_by     text,
  check ((kind = 'PER_EVENT') = (event_id is not null))
);
-- A repeated event never makes a second delivery to the same endpoint.
create unique index webhook_deliveries_event_uq on webhook_deliveries (endpoint_id, event_id) where event_id is not null;
-- At most one digest batch collecting per endpoint.
create unique index webhook_deliveries_collecting_uq on webhook_deliveries (endpoint_id) where status = 'COLLECTING';
create index webhook_deliveries_due_idx on webhook_deliveries (next_attempt_at) where status in ('PENDING', 'COLLECTING');
create index webhook_deliveries_order_idx on webhook_deliveries (endpoint_id, ordering_key, event_sequence, seq)
  where status = 'PENDING';
create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, id desc);
create index webhook_deliveries_parked_idx on webhook_deliveries (parked_at, id) where status = 'PARKED';

-- The events of a digest batch, in the order they were added.
create table webhook_digest_items (
  delivery_id uuid    not null references webhook_deliveries (id) on delete cascade,
  position    integer not null,
  event_id    uuid    not null references events (event_id),
  primary key (delivery_id, position)
);

-- The delivery log: one row per attempt.
create table webhook_attempts (
  delivery_id uuid        not null references webhook_deliveries (id) on delete cascade,
  attempt_no  integer     not null,
  cycle       integer     not null default 0,
  started_at  timestamptz not null,
  http_status integer,
  -- null on success; HTTP_STATUS, REDIRECT_NOT_FOLLOWED, TIMEOUT, CONNECTION_FAILED, TLS_FAILED,
  -- DNS_FAILED, URL_NOT_ALLOWED.
  error_class text,
  latency_ms  integer     not null,
  primary key (delivery_id, cycle, attempt_no)
);
