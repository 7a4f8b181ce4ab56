-- Metered streams (TabService.meter): a METERED tab is a pre-authorised budget (its cap, held at
-- open like any tab's) that a partner's MeterUsage stream draws on one increment at a time. Each
-- increment is one conditional UPDATE: counted only while the tab is OPEN, when its sequence is
-- above the last counted one (a replay changes nothing) and the total stays within the cap. A
-- metered tab settles once, at close, whatever closed it: the stream's end (COMPLETED), its break
-- (DROPPED), an increment past the budget (BUDGET_EXCEEDED), or the janitor when no usage came
-- for payments.tabs.meter-idle-timeout (IDLE).
alter table tabs drop constraint tabs_kind_check;
alter table tabs add constraint tabs_kind_check check (kind in ('ITEMS', 'METERED'));
alter table tabs drop constraint tabs_close_reason_check;
alter table tabs add constraint tabs_close_reason_check
  check (close_reason in ('USER', 'PARTNER', 'TIME_LIMIT', 'COMPLETED', 'DROPPED', 'IDLE', 'BUDGET_EXCEEDED'));

alter table tabs
  add column last_sequence bigint not null default 0 check (last_sequence >= 0),
  add column increment_count bigint not null default 0 check (increment_count >= 0),
  -- null until the first increment; the idle clock starts at created_at
  add column last_usage_at timestamptz;

create index tabs_meter_idle on tabs ((coalesce(last_usage_at, created_at)))
  where status = 'OPEN' and kind = 'METERED';

-- Which charges are tab settlements, whatever the tab's kind (a metered tab has no item rows to
-- point at its settlement, and metadata is the partner's to set): undo refuses them, and a refund
-- of one gives back the allowance the tab was counted against (keyed by the tab's id).
create table tab_settlements (
  charge_id  uuid primary key references charges (id),
  tab_id     uuid not null references tabs (id)
);
create index tab_settlements_tab on tab_settlements (tab_id);
insert into tab_settlements (charge_id, tab_id)
  select distinct charge_id, tab_id from tab_items where charge_id is not null;
