-- Charges and refunds, idempotency records, the outbox, and the limits enforced with the money.

create table charges (
  id                 uuid primary key,
  partner_client_id  text not null,
  user_id            uuid not null,
  wallet_id          uuid,
  currency           char(3) not null,
  amount_minor       bigint not null check (amount_minor > 0),
  -- held on the wallet's behalf in the HOLDS account while AUTHORIZED
  authorized_minor   bigint not null default 0 check (authorized_minor >= 0),
  captured_minor     bigint not null default 0 check (captured_minor >= 0),
  refunded_minor     bigint not null default 0 check (refunded_minor >= 0),
  fee_minor          bigint not null default 0 check (fee_minor >= 0),
  fee_refunded_minor bigint not null default 0 check (fee_refunded_minor >= 0),
  status             text not null check (status in ('REQUIRES_ACTION', 'AUTHORIZED', 'SUCCEEDED', 'VOIDED',
                                                       'FAILED', 'EXPIRED', 'PARTIALLY_REFUNDED', 'REFUNDED')),
  capture_later      boolean not null default false,
  description        text not null default '',
  metadata           jsonb not null default '{}',
  device_id          text,
  consent_id         text,
  decision_id        text,
  challenge_id       text,
  -- set once the user's step-up token has been redeemed for this charge
  confirmed_by       text,
  failure_reason     text,
  hold_expires_at    timestamptz,
  -- ordering of this charge's events
  version            int not null default 0,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint captured_within_amount check (captured_minor <= amount_minor),
  constraint refunded_within_captured check (refunded_minor <= captured_minor),
  constraint fee_refunded_within_fee check (fee_refunded_minor <= fee_minor)
);
create index charges_partner on charges (partner_client_id, id desc);
create index charges_user on charges (user_id, id desc);
create index charges_holds_due on charges (hold_expires_at) where status in ('AUTHORIZED', 'REQUIRES_ACTION');

create table refunds (
  id            uuid primary key,
  charge_id     uuid not null references charges (id),
  currency      char(3) not null,
  amount_minor  bigint not null check (amount_minor > 0),
  fee_returned_minor bigint not null default 0 check (fee_returned_minor >= 0),
  reason        text not null default '',
  created_at    timestamptz not null default now()
);
create index refunds_charge on refunds (charge_id, id);

-- Money rule 4. One row per (caller, key), claimed before the work starts (IN_FLIGHT, with a
-- lease), completed in the same transaction as the money (DONE, with the response to replay).
create table idempotency_keys (
  caller        text not null,
  key           text not null,
  operation     text not null,
  request_hash  bytea not null,
  state         text not null check (state in ('IN_FLIGHT', 'DONE')),
  lease_token   uuid,
  leased_until  timestamptz,
  resource_id   uuid,
  -- the first response: a serialized protobuf message or JSON, and an error when it failed
  response      bytea,
  error_kind    text,
  error_reason  text,
  error_message text,
  created_at    timestamptz not null default now(),
  expires_at    timestamptz not null,
  primary key (caller, key)
);
create index idempotency_expiry on idempotency_keys (expires_at);

-- Money rule 5: every state change writes its event here in the same transaction as the money.
create table outbox (
  id            uuid primary key,
  seq           bigint generated always as identity,
  type          text not null,
  user_id       uuid,
  partner_client_id text,
  ordering_key  text not null,
  sequence      bigint not null,
  occurred_at   timestamptz not null default now(),
  data          jsonb not null,
  published_at  timestamptz,
  attempts      int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error    text
);
create index outbox_pending on outbox (next_attempt_at, seq) where published_at is null;

-- What payments-svc knows of a user: the KYC tier (set by operators) and the time zone days
-- are counted in (copied from auth-svc on each movement).
create table payment_users (
  user_id     uuid primary key,
  kyc_tier    smallint not null default 0 check (kyc_tier between 0 and 3),
  time_zone   text not null default 'UTC',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);

-- Limits per KYC tier and currency; operators edit them through admin REST.
create table kyc_limits (
  tier                  smallint not null check (tier between 0 and 3),
  currency              char(3) not null,
  per_transaction_minor bigint not null check (per_transaction_minor > 0),
  daily_minor           bigint not null check (daily_minor > 0),
  monthly_minor         bigint not null check (monthly_minor > 0),
  wallet_max_minor      bigint not null check (wallet_max_minor > 0),
  primary key (tier, currency)
);

insert into kyc_limits (tier, currency, per_transaction_minor, daily_minor, monthly_minor, wallet_max_minor)
-- Defaults for the two-decimal currencies Farthing starts with; other currencies need rows first.
select t.tier, c.currency, t.per_tx, t.daily, t.monthly, t.wallet_max
  from (values (0, 2500, 5000, 20000, 15000),
               (1, 25000, 50000, 200000, 100000),
               (2, 100000, 250000, 1000000, 500000),
               (3, 500000, 1000000, 5000000, 2500000)) as t (tier, per_tx, daily, monthly, wallet_max),
       (values ('EUR'), ('USD'), ('GBP'), ('CHF')) as c (currency);

-- A user's own caps per currency. Lowering takes effect at once; raising is pending until
-- pending_effective_at (the cool-off).
create table user_caps (
  user_id                   uuid not null,
  currency                  char(3) not null,
  daily_cap_minor           bigint check (daily_cap_minor >= 0),
  monthly_cap_minor         bigint check (monthly_cap_minor >= 0),
  pending_daily_cap_minor   bigint check (pending_daily_cap_minor >= 0),
  pending_monthly_cap_minor bigint check (pending_monthly_cap_minor >= 0),
  -- a raise to "no cap" is pending too
  pending_daily_clear       boolean not null default false,
  pending_monthly_clear     boolean not null default false,
  pending_effective_at      timestamptz,
  updated_at                timestamptz not null default now(),
  primary key (user_id, currency)
);

-- Spending per user, currency and period (D = the user's day, M = the user's month), counted in
-- the same transaction as the money so that caps hold under concurrency.
create table spend_counters (
  user_id       uuid not null,
  currency      char(3) not null,
  period        char(1) not null check (period in ('D', 'M')),
  period_start  date not null,
  spent_minor   bigint not null check (spent_minor >= 0),
  primary key (user_id, currency, period, period_start)
);
