-- Settlement windows and payouts (issue 8). A window nets one merchant account's entries (one
-- partner, one currency) into one payout. Nothing here is written by the charge path: a window
-- takes its entries when it closes, by an anti-join on settlement_lines, so no row is updated
-- per charge.

-- Payouts owed to merchants, between a window's close and the payout gateway's answer.
alter table accounts drop constraint accounts_kind_check;
alter table accounts add constraint accounts_kind_check
  check (kind in ('USER_WALLET', 'MERCHANT', 'PLATFORM_FEES', 'FUNDING', 'HOLDS', 'PAYOUTS_PENDING'));

create table settlement_windows (
  id                   uuid primary key,
  -- the MERCHANT account it settles (one partner, one currency)
  account_id           uuid not null references accounts (id),
  partner_client_id    text not null,
  currency             char(3) not null,
  -- [starts_at, ends_at): a window takes the account's unsettled entries created before ends_at
  starts_at            timestamptz not null,
  ends_at              timestamptz not null,
  status               text not null default 'OPEN' check (status in ('OPEN', 'CLOSED', 'SETTLED')),
  closed_at            timestamptz,
  settled_at           timestamptz,
  -- what the lines netted to at close; the payout when positive, else carried to the next window
  net_minor            bigint,
  payout_minor         bigint not null default 0 check (payout_minor >= 0),
  carried_forward      boolean not null default false,
  line_count           bigint not null default 0,
  payout_posting_id    uuid,
  paid_posting_id      uuid,
  gateway_reference    text,
  payout_attempts      int not null default 0,
  failure_reason       text,
  next_attempt_at      timestamptz,
  created_at           timestamptz not null default now(),
  check (ends_at > starts_at),
  unique (account_id, starts_at)
);
-- At most one OPEN window per merchant account: the scheduler on several replicas opens it once.
create unique index settlement_windows_one_open on settlement_windows (account_id) where status = 'OPEN';
create index settlement_windows_partner on settlement_windows (partner_client_id, currency, starts_at desc);
create index settlement_windows_due on settlement_windows (ends_at) where status = 'OPEN';
create index settlement_windows_payouts_due on settlement_windows (next_attempt_at) where status = 'CLOSED';

-- Which window settled each merchant entry: an entry is in one window (primary key) or in none
-- yet. amount_minor is the entry's, copied so a window's sum reads without the ledger and a
-- changed line is caught by reconciliation.
create table settlement_lines (
  entry_id     bigint primary key,
  window_id    uuid not null references settlement_windows (id),
  amount_minor bigint not null
);
create index settlement_lines_window on settlement_lines (window_id, entry_id);
