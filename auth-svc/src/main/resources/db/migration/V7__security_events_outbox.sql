-- Security alerts (a new device, a lock-out, a failed step-up) must always reach notify-svc: each is
-- written here in the transaction of the change it reports, and the outbox relay (the one
-- payments-svc uses, io.farthing.common.outbox) publishes it to notify-svc at least once.
-- data holds the account's email address (notify-svc emails security alerts to it): a published
-- row is kept only as long as auth.outbox.keep-published says, then deleted.
create table outbox (
  id              uuid primary key,
  seq             bigint generated always as identity,
  type            text not null,
  user_id         uuid,
  partner_client_id text,
  ordering_key    text not null,
  sequence        bigint not null,
  occurred_at     timestamptz not null default now(),
  data            jsonb not null,
  published_at    timestamptz,
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error      text
);
create index outbox_pending on outbox (next_attempt_at, seq) where published_at is null;
create index outbox_pending_key on outbox (ordering_key, seq) where published_at is null;
create index outbox_published on outbox (published_at) where published_at is not null;
