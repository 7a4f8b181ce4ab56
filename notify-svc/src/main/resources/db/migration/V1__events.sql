-- Every event notify-svc accepted, once: the primary key is the publisher's event id, so a
-- repeat (the outbox relay delivers at least once) is recognised and never fanned out twice.
create table events (
  event_id          uuid primary key,
  type              text        not null,
  user_id           uuid,
  partner_client_id text,
  ordering_key      text        not null,
  sequence          bigint      not null,
  occurred_at       timestamptz not null,
  data              jsonb       not null,
  received_at       timestamptz not null default now(),
  -- Which service published it (the caller's token subject), for audits.
  publisher         text        not null
);
create index events_user_idx on events (user_id, occurred_at) where user_id is not null;
create index events_partner_idx on events (partner_client_id, occurred_at) where partner_client_id is not null;
