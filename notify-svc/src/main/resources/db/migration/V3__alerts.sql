-- People's alerts (issue 5). Depends only on V1 (events); webhooks (V2) are separate.

-- One row per alert a user was sent: the inbox, the record the live stream replays from
-- (Last-Event-ID), and what outbound email/SMS rows point at. `in_app` false means the user
-- switched the in-app channel off for this type: the row exists only so that its email/SMS
-- has a source; the inbox and the stream never show it.
create table alerts (
  id          uuid primary key,               -- UUIDv7: time-ordered, the SSE event id
  user_id     uuid        not null,
  event_id    uuid        not null references events (event_id),
  type        text        not null,
  title       text        not null,
  body        text        not null,
  data        jsonb       not null,
  in_app      boolean     not null,
  -- When the event happened at its publisher: capture-to-alert latency starts here.
  event_occurred_at timestamptz not null,
  created_at  timestamptz not null,
  read_at     timestamptz,
  -- A repeated event can never make a second alert (EventStore already dedupes; this is the guard).
  constraint alerts_event_user_uq unique (event_id, user_id)
);
-- The inbox, newest first, and resume after an id.
create index alerts_user_idx on alerts (user_id, id) where in_app;
create index alerts_unread_idx on alerts (user_id) where in_app and read_at is null;

-- What a user chose. No row = the defaults (in-app for everything, no email/SMS except
-- security emails to the account's address when auth-svc sends it).
create table notification_preferences (
  user_id     uuid primary key,
  email       text,
  phone       text,                            -- E.164
  -- {"payments": ["in_app","email"], "charge.failed": ["in_app","sms"]}: a type wins over its category
  channels    jsonb       not null default '{}'::jsonb,
  quiet_start time,
  quiet_end   time,
  quiet_zone  text,                            -- IANA time zone
  updated_at  timestamptz not null,
  constraint quiet_hours_whole check (
    (quiet_start is null and quiet_end is null and quiet_zone is null)
    or (quiet_start is not null and quiet_end is not null and quiet_zone is not null and quiet_start <> quiet_end))
);

-- Email and SMS waiting to be sent (at least once) by the outbound worker on any replica.
-- A replica claims a due row by moving due_at one lease ahead (FOR UPDATE SKIP LOCKED), sends
-- outside any transaction, then marks it SENT, or due again after a backoff, or FAILED after the
-- last attempt. A crash mid-send leaves the row due again when the lease runs out.
create table outbound_messages (
  id          uuid primary key,
  alert_id    uuid        not null references alerts (id),
  user_id     uuid        not null,
  channel     text        not null check (channel in ('email', 'sms')),
  recipient   text        not null,
  subject     text        not null,
  body        text        not null,
  status      text        not null default 'PENDING' check (status in ('PENDING', 'SENT', 'FAILED')),
  due_at      timestamptz not null,
  -- Set when quiet hours held the message: the end of the quiet period it waits for.
  held_until  timestamptz,
  attempts    int         not null default 0,
  last_error  text,
  sent_at     timestamptz,
  created_at  timestamptz not null,
  constraint outbound_alert_channel_uq unique (alert_id, channel)
);
create index outbound_due_idx on outbound_messages (due_at) where status = 'PENDING';
create index outbound_alert_idx on outbound_messages (alert_id);
