-- Reconciliation runs (money rule 2: a check proves every cached balance equals its entries) and
-- what receipts and statements need to read the ledger by period.

-- One row per reconciliation run, scheduled or asked for by an operator. The report is the whole
-- outcome as the admin API shows it; drift and problems are copied out so runs can be filtered.
create table reconciliation_runs (
  id            uuid primary key,
  trigger       text not null check (trigger in ('SCHEDULED', 'MANUAL')),
  -- the operator's user id for MANUAL runs
  requested_by  text,
  started_at    timestamptz not null,
  finished_at   timestamptz not null,
  drift         boolean not null,
  problems      bigint not null check (problems >= 0),
  report        jsonb not null
);
create index reconciliation_runs_latest on reconciliation_runs (started_at desc);

-- Statements read one account's entries by time: the opening balance is the sum before the period,
-- the movements are the entries within it. Index-only for both, for wallets and merchants alike.
create index entries_account_created on entries (account_id, created_at) include (amount_minor);
