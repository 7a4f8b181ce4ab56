-- Payment requests: a merchant's signed "pay me this" (a QR code at a till, a link in an invoice).
--
-- A request is paid by ordinary charges (the full charge path: limits, risk, step-up, ledger,
-- outbox). Each such charge carries the request in its metadata:
--   payment_request_id    = the request's id
--   payment_request_usage = SINGLE_USE | REUSABLE
-- so the link is written in the same transaction as the charge's money, and a refused or rolled
-- back charge leaves no link behind. Whether a request is paid is derived from those charges,
-- never stored twice.

create table payment_requests (
  id                 uuid primary key,
  partner_client_id  text not null,
  currency           char(3) not null,
  amount_minor       bigint not null check (amount_minor > 0),
  description        text not null default '',
  -- the merchant's own reference (an order or invoice number), shown to the payer
  reference          text,
  usage              text not null check (usage in ('SINGLE_USE', 'REUSABLE')),
  -- the only stored state: PAID / PENDING come from the linked charges, EXPIRED from expires_at
  status             text not null default 'OPEN' check (status in ('OPEN', 'CANCELLED')),
  expires_at         timestamptz not null,
  cancelled_at       timestamptz,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now(),
  constraint cancelled_when_cancelled check ((status = 'CANCELLED') = (cancelled_at is not null)),
  constraint expires_after_creation check (expires_at > created_at)
);
create index payment_requests_partner on payment_requests (partner_client_id, id desc);

-- The charges that pay a request, for its status and payment count.
create index charges_payment_request on charges (partner_client_id, (metadata ->> 'payment_request_id'), id)
  where (metadata ->> 'payment_request_id') is not null;

-- Single use, as a constraint: at most one live charge per single-use request. The charge that
-- pays it is inserted in the same transaction as its wallet debit, so of two concurrent payers
-- exactly one commits; the other's insert fails on this index and its whole transaction (its
-- debit included) rolls back. FAILED, EXPIRED and VOIDED charges hold no money and do not count:
-- a refused payment, or a challenge left unanswered, does not use the request up.
create unique index charges_payment_request_single_use
  on charges (partner_client_id, (metadata ->> 'payment_request_id'))
  where (metadata ->> 'payment_request_usage') = 'SINGLE_USE'
    and status in ('REQUIRES_ACTION', 'AUTHORIZED', 'SUCCEEDED', 'PARTIALLY_REFUNDED', 'REFUNDED');
