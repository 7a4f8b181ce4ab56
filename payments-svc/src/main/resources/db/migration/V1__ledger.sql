-- payments-svc: the double-entry ledger, wallets, merchants and their fee plans.
--
-- Money is bigint minor units plus an ISO-4217 code, everywhere. Postings and entries are
-- append-only; a posting's entries sum to zero per currency, checked when the transaction
-- commits (postings_balanced). Only user wallets keep a cached balance, updated in the same
-- transaction as their entries; shared accounts (merchants, fees, funding, holds) get entries
-- only, so no row is updated by every charge.

create table accounts (
  id          uuid primary key,
  kind        text not null check (kind in ('USER_WALLET', 'MERCHANT', 'PLATFORM_FEES', 'FUNDING', 'HOLDS')),
  -- user id (USER_WALLET), partner client id (MERCHANT), 'platform' for the others
  owner       text not null,
  currency    char(3) not null check (currency ~ '^[A-Z]{3}$'),
  created_at  timestamptz not null default now(),
  unique (kind, owner, currency)
);

-- A user's prepaid wallet: the cached balance of its USER_WALLET account.
create table wallets (
  id             uuid primary key references accounts (id),
  user_id        uuid not null,
  currency       char(3) not null,
  balance_minor  bigint not null default 0,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  -- Money rule 3, as a constraint: whatever the code does, a wallet never goes below zero.
  constraint wallet_never_negative check (balance_minor >= 0),
  unique (user_id, currency)
);

create table postings (
  id          uuid primary key,
  -- what moved the money: CHARGE_CAPTURE, CHARGE_AUTHORIZE, HOLD_CAPTURE, HOLD_RELEASE,
  -- REFUND, TOP_UP, TRANSFER, PAYMENT_REQUEST ...
  kind        text not null,
  -- the charge, refund, top-up or transfer it belongs to
  ref_id      uuid not null,
  created_at  timestamptz not null default now()
);
create index postings_ref on postings (ref_id);

-- No foreign key to accounts on purpose: a foreign key makes every insert take a KEY SHARE lock
-- on the referenced row, and a merchant's account row would then be a hot row for every charge
-- (MultiXact churn). Account ids are validated by the code and by postings_balanced.
create table entries (
  id            bigint generated always as identity primary key,
  posting_id    uuid not null references postings (id),
  account_id    uuid not null,
  currency      char(3) not null,
  amount_minor  bigint not null check (amount_minor <> 0),
  created_at    timestamptz not null default now()
);
create index entries_account on entries (account_id, id) include (amount_minor);
create index entries_posting on entries (posting_id);

-- Checked at commit: every posting has at least two entries, they sum to zero per currency,
-- and each entry is in its account's currency (and the account exists).
create function postings_balanced() returns trigger language plpgsql as $$
declare
  entry_count int;
  unbalanced  int;
  mismatched  int;
begin
  select count(*) into entry_count from entries where posting_id = new.id;
  if entry_count < 2 then
    raise exception 'posting % has % entries; a posting needs at least two', new.id, entry_count
      using errcode = '23514';
  end if;
  select count(*) into unbalanced from (
    select currency from entries where posting_id = new.id group by currency having sum(amount_minor) <> 0
  ) u;
  if unbalanced > 0 then
    raise exception 'posting % does not sum to zero per currency', new.id using errcode = '23514';
  end if;
  select count(*) into mismatched
    from entries e left join accounts a on a.id = e.account_id
   where e.posting_id = new.id and (a.id is null or a.currency <> e.currency);
  if mismatched > 0 then
    raise exception 'posting % has an entry on a missing account or in the wrong currency', new.id
      using errcode = '23514';
  end if;
  return null;
end $$;

create constraint trigger postings_balanced
  after insert on postings deferrable initially deferred
  for each row execute function postings_balanced();

create function ledger_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % is not allowed', tg_op, tg_table_name
    using errcode = '55000';
end $$;

create trigger entries_append_only before update or delete on entries
  for each row execute function ledger_append_only();
create trigger postings_append_only before update or delete on postings
  for each row execute function ledger_append_only();

-- Partners that may charge, with a fee plan per currency they accept.
create table merchants (
  partner_client_id  text primary key,
  name               text not null,
  category           text not null default 'general',
  status             text not null default 'ACTIVE' check (status in ('ACTIVE', 'SUSPENDED')),
  version            bigint not null default 0,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);

create table fee_plans (
  partner_client_id  text not null references merchants (partner_client_id) on delete cascade,
  currency           char(3) not null,
  fixed_minor        bigint not null check (fixed_minor >= 0),
  rate_bps           int not null check (rate_bps between 0 and 10000),
  min_fee_minor      bigint not null default 0 check (min_fee_minor >= 0),
  max_fee_minor      bigint check (max_fee_minor is null or max_fee_minor >= min_fee_minor),
  primary key (partner_client_id, currency)
);
