-- Disputes (io.farthing.payments.dispute). A user disputes one of their charges; the merchant
-- answers with evidence over gRPC or accepts; support decides. States:
--   OPEN ──evidence──► UNDER_REVIEW ──support──► WON | LOST
--     ├──merchant accepts / evidence not in by evidence_due_at──► LOST
--     └──support──► WON | LOST
-- WON and LOST are the merchant's outcome, as card networks and risk-svc's Outcome name them:
-- WON, the merchant keeps the money; LOST, what is left of the disputed amount is refunded to the
-- user through the charge's own refund path. A charge below payments.disputes.instant-refund-below
-- is refunded when the dispute is opened, without review (LOST, resolution INSTANT_REFUND).
-- Money stays where it is while a dispute is open: the resolution moves it, in the same
-- transaction as the dispute's change, under the charge's row lock.

create table disputes (
  id                 uuid primary key,
  -- one dispute per charge, ever: a resolved dispute is final
  charge_id          uuid not null unique references charges (id),
  user_id            uuid not null,
  partner_client_id  text not null,
  currency           char(3) not null,
  -- what was left to refund of the charge when the dispute was opened
  amount_minor       bigint not null check (amount_minor > 0),
  reason             text not null
    check (reason in ('NOT_RECEIVED', 'NOT_AS_DESCRIBED', 'UNAUTHORIZED', 'DUPLICATE', 'OTHER')),
  user_note          text not null default '',
  status             text not null check (status in ('OPEN', 'UNDER_REVIEW', 'WON', 'LOST')),
  resolution         text
    check (resolution in ('INSTANT_REFUND', 'MERCHANT_ACCEPTED', 'NO_EVIDENCE', 'REVIEWED')),
  -- what the resolution refunded (0 when WON, or when the charge had been refunded meanwhile)
  refunded_minor     bigint not null default 0 check (refunded_minor >= 0),
  refund_id          uuid,
  resolution_note    text not null default '',
  resolved_by        text,
  evidence_due_at    timestamptz not null,
  resolved_at        timestamptz,
  -- the charge's risk decision, for the outcome report (null: risk-svc was not asked)
  decision_id        text,
  -- ordering of this dispute's events
  version            int not null default 0,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint refund_within_dispute check (refunded_minor <= amount_minor),
  constraint resolved_has_resolution check (
    (status in ('WON', 'LOST')) = (resolution is not null and resolved_at is not null))
);
create index disputes_user on disputes (user_id, id desc);
create index disputes_partner on disputes (partner_client_id, id desc);
create index disputes_status on disputes (status, id desc);
create index disputes_evidence_due on disputes (evidence_due_at) where status = 'OPEN';

-- The merchant's evidence: several submissions allowed while the dispute is not resolved.
create table dispute_evidence (
  id                 uuid primary key,
  dispute_id         uuid not null references disputes (id),
  summary            text not null,
  -- references the merchant gives (delivery ids, log ids, URLs), as sent
  refs               text[] not null default '{}',
  created_at         timestamptz not null default now()
);
create index dispute_evidence_dispute on dispute_evidence (dispute_id, created_at);

-- Outcomes for risk-svc's ReportOutcome, written in the resolution's transaction and relayed by
-- the shared outbox relay (io.farthing.common.outbox.OutboxRelay), so an outcome is reported even
-- when risk-svc is down at the time, or the replica dies after the commit. Same shape as outbox:
-- type = the Outcome's name, data = {"decisionId": ...}.
create table risk_outbox (
  id                uuid primary key,
  seq               bigint generated always as identity,
  type              text not null,
  user_id           uuid,
  partner_client_id text,
  ordering_key      text not null,
  sequence          bigint not null,
  occurred_at       timestamptz not null default now(),
  data              jsonb not null,
  published_at      timestamptz,
  attempts          int not null default 0,
  next_attempt_at   timestamptz not null default now(),
  last_error        text
);
create index risk_outbox_pending on risk_outbox (next_attempt_at, seq) where published_at is null;
create index risk_outbox_pending_key on risk_outbox (ordering_key, seq) where published_at is null;
