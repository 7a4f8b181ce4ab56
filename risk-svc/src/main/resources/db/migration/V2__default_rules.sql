-- The default rule set: a sensible start that operators tune at runtime through
-- /admin/v1/rules. docs/risk-rules.md explains every rule and its numbers. Points add up with
-- the model's share into a score 0-1000 (typical thresholds: CHALLENGE from ~400, DENY from
-- ~800, per security level and KYC tier); forceVerdict overrides the thresholds.
insert into rules (id, description, conditions, points, force_verdict, updated_by) values
  ('velocity-1m', 'More than 5 payments in one minute: scripted or stolen-credential use',
   '[{"feature": "count_1m", "op": "GT", "value": 5}]', 250, null, 'system'),
  ('velocity-1h', 'More than 30 payments in one hour: far above normal micropayment use',
   '[{"feature": "count_1h", "op": "GT", "value": 30}]', 150, null, 'system'),
  ('card-testing', 'At least 10 payments of 1.00 or less within a minute: testing stolen funds',
   '[{"feature": "count_1m", "op": "GTE", "value": 10}, {"feature": "amount_minor", "op": "LTE", "value": 100}]',
   300, 'DENY', 'system'),
  ('spend-24h', 'More than 200.00 spent in 24 hours: unusual for micropayments',
   '[{"feature": "sum_24h", "op": "GT", "value": 20000}]', 100, null, 'system'),
  ('device-burst', 'Paid from 3 or more devices in 24 hours: a shared or taken-over account',
   '[{"feature": "devices_24h", "op": "GTE", "value": 3}]', 200, null, 'system'),
  ('ip-burst', 'Paid from 4 or more IP addresses in 24 hours',
   '[{"feature": "ips_24h", "op": "GTE", "value": 4}]', 120, null, 'system'),
  ('unknown-device', 'The device is not one of the user''s known devices',
   '[{"feature": "device_known", "op": "EQ", "value": 0}]', 80, null, 'system'),
  ('new-merchant-large', 'First payment to this merchant and 20.00 or more',
   '[{"feature": "new_merchant", "op": "EQ", "value": 1}, {"feature": "amount_minor", "op": "GTE", "value": 2000}]',
   100, null, 'system'),
  ('amount-anomaly', 'Amount 4 or more standard deviations above the user''s usual (with 5+ past payments)',
   '[{"feature": "amount_zscore_x100", "op": "GTE", "value": 400}, {"feature": "history_count", "op": "GTE", "value": 5}]',
   200, null, 'system'),
  ('impossible-travel', 'Over 300 km from the previous payment at more than 900 km/h: faster than a plane',
   '[{"feature": "travel_kmh", "op": "GT", "value": 900}, {"feature": "travel_km", "op": "GT", "value": 300}]',
   350, null, 'system'),
  ('cash-out', 'Cash-like goods making up 60% or more of 50.00+ spent in 24 hours: cashing out',
   '[{"feature": "cash_equivalent", "op": "EQ", "value": 1}, {"feature": "cash_equiv_share_pct", "op": "GTE", "value": 60}, {"feature": "sum_24h", "op": "GTE", "value": 5000}]',
   250, null, 'system'),
  ('merchant-refunds', 'The merchant refunds 15% or more of its payments (50+ in 30 days)',
   '[{"feature": "merchant_refund_rate_bp", "op": "GTE", "value": 1500}, {"feature": "merchant_payments_30d", "op": "GTE", "value": 50}]',
   120, null, 'system'),
  ('merchant-disputes', 'The merchant has disputes on 1% or more of its payments (50+ in 30 days)',
   '[{"feature": "merchant_dispute_rate_bp", "op": "GTE", "value": 100}, {"feature": "merchant_payments_30d", "op": "GTE", "value": 50}]',
   150, null, 'system'),
  ('aml-structuring', 'A top-up or P2P transfer just under the limit, the 3rd or more in 7 days: possible structuring',
   '[{"feature": "near_limit", "op": "EQ", "value": 1}, {"feature": "near_limit_count_7d", "op": "GTE", "value": 3}]',
   300, 'CHALLENGE', 'system'),
  ('reported-fraud', 'Confirmed fraud or a lost dispute on the user''s payments in the last 90 days',
   '[{"feature": "user_fraud_reports", "op": "GTE", "value": 1}]', 400, null, 'system'),
  ('risk-budget', 'The user''s risk budget for 24 hours is used up: confirm before spending more',
   '[{"feature": "risk_budget_pct", "op": "GTE", "value": 100}]', 0, 'CHALLENGE', 'system');

-- Their history starts here, like any rule created through the API (same shape as RuleView).
insert into rule_changes (rule_id, version, change, rule, changed_by, changed_at)
select id, version, 'CREATED',
       jsonb_build_object('id', id, 'description', description, 'conditions', conditions, 'points', points,
                          'forceVerdict', force_verdict, 'enabled', enabled, 'version', version,
                          'createdAt', created_at, 'updatedAt', updated_at, 'updatedBy', updated_by),
       updated_by, updated_at
from rules
where updated_by = 'system';
