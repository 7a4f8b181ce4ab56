-- Micro-tabs (io.farthing.payments.tab). A tab holds its cap in the HOLDS account from the moment
-- it opens (wallet -> holds); items only raise total_minor, never past the cap, and need no ledger
-- rows. A settlement moves the unsettled part holds -> merchant + fees as ONE posting, recorded as
-- a SUCCEEDED charge (metadata tab_id) so receipts, statements, refunds and reconciliation work
-- unchanged. Closing settles the rest and releases cap - settled back to the wallet.

create table tabs (
  id                 uuid primary key,
  -- ITEMS: items added one call at a time (AddTabItem). Kept for metered sessions later.
  kind               text not null default 'ITEMS' check (kind in ('ITEMS')),
  partner_client_id  text not null,
  user_id            uuid not null,
  wallet_id          uuid not null,
  currency           char(3) not null,
  cap_minor          bigint not null check (cap_minor > 0),
  total_minor        bigint not null default 0 check (total_minor >= 0),
  settled_minor      bigint not null default 0 check (settled_minor >= 0),
  threshold_minor    bigint not null check (threshold_minor > 0),
  settlement_count   int not null default 0,
  status             text not null check (status in ('OPEN', 'CLOSED')),
  close_reason       text check (close_reason in ('USER', 'PARTNER', 'TIME_LIMIT')),
  description        text not null default '',
  device_id          text,
  consent_id         text,
  decision_id        text,
  expires_at         timestamptz not null,
  closed_at          timestamptz,
  -- ordering of this tab's events: raised by every settlement and by the close
  version            int not null default 0,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint total_within_cap check (total_minor <= cap_minor),
  constraint settled_within_total check (settled_minor <= total_minor),
  constraint closed_is_settled check (status = 'OPEN' or (settled_minor = total_minor and close_reason is not null))
);
create index tabs_user on tabs (user_id, id desc);
create index tabs_partner on tabs (partner_client_id, id desc);
create index tabs_due on tabs (expires_at) where status = 'OPEN';

create table tab_items (
  id                 uuid primary key,
  tab_id             uuid not null references tabs (id),
  amount_minor       bigint not null check (amount_minor > 0),
  description        text not null default '',
  -- the tab's total after this item
  total_after_minor  bigint not null,
  -- the settlement (a charge) that took this item to the merchant; null while unsettled
  charge_id          uuid references charges (id),
  created_at         timestamptz not null default now()
);
create index tab_items_tab on tab_items (tab_id, id desc);
create index tab_items_unsettled on tab_items (tab_id) where charge_id is null;
