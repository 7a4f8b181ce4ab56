-- Top-ups (money in from a funding gateway) and P2P transfers (wallet to wallet).

-- A top-up is recorded PENDING before the gateway is asked, so that whatever happens next (an
-- answer, a timeout, a crash) the reconciler can find it and settle it exactly once.
create table topups (
  id                  uuid primary key,
  user_id             uuid not null,
  wallet_id           uuid,
  currency            char(3) not null,
  amount_minor        bigint not null check (amount_minor > 0),
  -- the gateway's token for the card or account; never shown back to callers
  instrument          text not null,
  gateway             text not null,
  status              text not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED', 'REVERSING', 'REVERSED')),
  -- the gateway's own id for an approved authorization
  processor_reference text,
  -- the gateway's decline code (card_declined, insufficient_funds, ...)
  decline_code        text,
  -- TOPUP_DECLINED, RISK_DENIED, GATEWAY_TIMEOUT, WALLET_MAX
  failure_reason      text,
  decision_id         text,
  -- The idempotency key of the request that created it, while that request has not completed
  -- its key: a retry after a crash resumes this top-up instead of creating a second one.
  open_key            text,
  version             int not null default 0,
  -- when the reconciler looks at it next (PENDING and REVERSING only)
  next_check_at       timestamptz not null default now(),
  checks              int not null default 0,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  constraint topup_decline_has_code check (failure_reason is distinct from 'TOPUP_DECLINED' or decline_code is not null)
);
create index topups_user on topups (user_id, id desc);
create unique index topups_open_key on topups (user_id, open_key) where open_key is not null;
create index topups_due on topups (next_check_at) where status in ('PENDING', 'REVERSING');

-- Money rule "a top-up credits exactly once", as a constraint: one TOP_UP posting per top-up.
create unique index postings_one_topup_credit on postings (ref_id) where kind = 'TOP_UP';

-- A transfer exists only once its money moved: refusals leave nothing but the idempotency key's
-- stored answer.
create table transfers (
  id                   uuid primary key,
  sender_id            uuid not null,
  recipient_id         uuid not null,
  sender_wallet_id     uuid not null,
  recipient_wallet_id  uuid not null,
  currency             char(3) not null,
  amount_minor         bigint not null check (amount_minor > 0),
  note                 text not null default '',
  status               text not null check (status in ('SUCCEEDED')),
  decision_id          text,
  created_at           timestamptz not null default now(),
  constraint transfer_not_to_self check (sender_id <> recipient_id)
);
create index transfers_sender on transfers (sender_id, id desc);
create index transfers_recipient on transfers (recipient_id, id desc);
