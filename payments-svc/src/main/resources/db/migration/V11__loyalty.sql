-- Loyalty: points earned on spending, held in the ledger as the platform's liability to each
-- user, redeemable as wallet credit. One point is one minor unit of the currency it was earned in.
--
-- Accounts: LOYALTY (owner = user id): what the platform owes the user in points, credited when
-- points are earned and debited when they are redeemed or clawed back; LOYALTY_FUNDING (owner
-- 'platform'): the programme's cost, minus every point ever issued net of clawbacks.
alter table accounts drop constraint accounts_kind_check;
alter table accounts add constraint accounts_kind_check
  check (kind in ('USER_WALLET', 'MERCHANT', 'PLATFORM_FEES', 'FUNDING', 'HOLDS', 'PAYOUTS_PENDING', 'LOYALTY',
                  'LOYALTY_FUNDING'));

-- A user's points in one currency: the cached balance of their LOYALTY account (always equal to
-- its entries' sum, checked by the loyalty reconciliation), plus what earning needs to stay exact.
create table loyalty_balances (
  user_id               uuid not null,
  currency              char(3) not null,
  account_id            uuid not null,
  points_minor          bigint not null default 0,
  -- spend times the earn rate not yet worth a whole point, in 1/10000 of a point: a hundred
  -- one-cent charges at 1% earn one point, not zero
  carry_bps             int not null default 0 check (carry_bps between 0 and 9999),
  -- points a refund should have taken back but the user had already redeemed; later earnings pay
  -- it off before anything is credited again
  owed_minor            bigint not null default 0 check (owed_minor >= 0),
  earned_minor          bigint not null default 0 check (earned_minor >= 0),
  clawed_back_minor     bigint not null default 0 check (clawed_back_minor >= 0),
  redeemed_minor        bigint not null default 0 check (redeemed_minor >= 0),
  updated_at            timestamptz not null default now(),
  primary key (user_id, currency),
  -- money rule 3 for points: a balance never goes below zero, whatever the concurrency
  constraint loyalty_never_negative check (points_minor >= 0)
);

-- What each charge has counted towards its user's points so far (captured minus refunded), and
-- the earn rate it was counted at, so a later refund takes back exactly what it earned.
create table loyalty_awards (
  charge_id             uuid primary key,
  user_id               uuid not null,
  currency              char(3) not null,
  counted_spend_minor   bigint not null check (counted_spend_minor >= 0),
  earn_bps              int not null check (earn_bps between 0 and 10000),
  updated_at            timestamptz not null default now()
);

-- Charges whose spend changed since the awarder last looked. Filled by triggers in the very
-- transaction that captured or refunded money (money rule 5: a crash loses neither), whatever
-- code path did it; drained by LoyaltyAwarder. No unique key on purpose: a change that commits
-- while a pass holds an earlier row of the same charge adds a row of its own instead of being
-- swallowed by the one about to be deleted.
create table loyalty_queue (
  id         bigint generated always as identity primary key,
  charge_id  uuid not null,
  queued_at  timestamptz not null default now()
);

create function loyalty_enqueue() returns trigger language plpgsql as $$
begin
  insert into loyalty_queue (charge_id) values (new.id);
  return null;
end $$;

create trigger charges_loyalty_captured after insert on charges
  for each row when (new.captured_minor > 0) execute function loyalty_enqueue();
create trigger charges_loyalty_changed after update of captured_minor, refunded_minor on charges
  for each row when (new.captured_minor - new.refunded_minor <> old.captured_minor - old.refunded_minor)
  execute function loyalty_enqueue();

-- Points turned into wallet credit.
create table loyalty_redemptions (
  id            uuid primary key,
  user_id       uuid not null,
  wallet_id     uuid not null,
  currency      char(3) not null,
  amount_minor  bigint not null check (amount_minor > 0),
  created_at    timestamptz not null default now()
);
create index loyalty_redemptions_user on loyalty_redemptions (user_id, id desc);
