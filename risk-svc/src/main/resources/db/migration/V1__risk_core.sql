-- risk-svc's own database (farthing_risk): rules, model state, decision history, AML cases.
-- Redis holds the features; everything here is the record that survives it.

-- Rules: explainable conditions over named features; each adds points or forces a verdict.
create table rules (
  id             text primary key check (id ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
  description    text not null check (length(description) between 1 and 500),
  -- [{"feature": "count_1m", "op": "GT", "value": 5}, ...]: all must hold.
  conditions     jsonb not null,
  points         integer not null check (points between -1000 and 1000),
  force_verdict  text check (force_verdict in ('ALLOW', 'CHALLENGE', 'DENY')),
  enabled        boolean not null default true,
  version        integer not null default 1,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  updated_by     text not null
);

-- Every change to a rule, so a past decision can be explained against the rule as it was.
create table rule_changes (
  id          bigserial primary key,
  rule_id     text not null,
  version     integer not null,
  change      text not null check (change in ('CREATED', 'UPDATED', 'DISABLED', 'ENABLED')),
  rule        jsonb not null,
  changed_by  text not null,
  changed_at  timestamptz not null default now()
);
create index rule_changes_rule on rule_changes (rule_id, version);

-- Statistical model versions. One is active; online feedback updates it in place (updates
-- counts the feedback steps), every replica reloads it when version or updates change.
create table model_versions (
  version     text primary key,
  kind        text not null check (kind in ('BASELINE', 'RETRAINED')),
  -- {"format": 1, "bias": b, "features": [{name, transform, cap, mean, scale, weight}, ...]}:
  -- see io.farthing.risk.model.LogisticModel and docs/risk-model.md.
  parameters  jsonb not null,
  -- precision, recall, ... on the held-out split of the training data.
  metrics     jsonb not null default '{}'::jsonb,
  updates     bigint not null default 0,
  active      boolean not null default false,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now()
);
create unique index model_versions_one_active on model_versions (active) where active;

-- Every decision with its inputs, features and reasons (written in batches, see DecisionWriter).
create table decisions (
  id             uuid primary key,
  caller         text not null,
  request_id     text not null,
  user_id        uuid not null,
  merchant_id    text,
  channel        text not null,
  amount_minor   bigint not null check (amount_minor > 0),
  currency       char(3) not null,
  score          integer not null check (score between 0 and 1000),
  verdict        text not null check (verdict in ('ALLOW', 'CHALLENGE', 'DENY')),
  rule_points    integer not null,
  model_points   integer not null,
  model_version  text not null,
  degraded       boolean not null,
  challenge_at   integer not null,
  deny_at        integer not null,
  request        jsonb not null,
  features       jsonb not null,
  reasons        jsonb not null,
  decided_at     timestamptz not null
);
create unique index decisions_caller_request on decisions (caller, request_id);
create index decisions_user_time on decisions (user_id, decided_at desc);
create index decisions_time on decisions (decided_at desc);

-- Feedback on decisions. One row per (decision, outcome): a repeated report changes nothing.
create table outcomes (
  decision_id  uuid not null references decisions (id),
  outcome      text not null check (outcome in ('FRAUD', 'LEGITIMATE', 'DISPUTE_WON', 'DISPUTE_LOST', 'REFUNDED')),
  reported_by  text not null,
  reported_at  timestamptz not null default now(),
  primary key (decision_id, outcome)
);

-- AML cases (structuring: top-ups and P2P repeatedly just under a limit). One open case per
-- user and kind; further hits add to it.
create table aml_cases (
  id            uuid primary key,
  user_id       uuid not null,
  kind          text not null check (kind in ('STRUCTURING')),
  status        text not null check (status in ('OPEN', 'RESOLVED')),
  hits          integer not null check (hits > 0),
  total_minor   bigint not null check (total_minor >= 0),
  currency      char(3) not null,
  decision_ids  uuid[] not null,
  summary       text not null,
  opened_at     timestamptz not null,
  updated_at    timestamptz not null,
  resolution    text check (resolution in ('CLEARED', 'REPORTED', 'ACCOUNT_RESTRICTED')),
  resolved_by   text,
  resolved_at   timestamptz,
  note          text check (length(note) <= 2000),
  check ((status = 'OPEN') = (resolution is null))
);
create unique index aml_cases_one_open on aml_cases (user_id, kind) where status = 'OPEN';
create index aml_cases_status_time on aml_cases (status, opened_at desc);
