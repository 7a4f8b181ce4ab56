-- A tab's cap is counted against an allowance when the tab opens (ChargeMoney.hold), keyed by the
-- tab's id, and the part it did not use is given back at close: allowance_charges.charge_id is
-- now the id of what was counted, a charge or a tab, so it can no longer reference charges.
-- Rows are written only in the transaction that moved the money for that id.
alter table allowance_charges drop constraint allowance_charges_charge_id_fkey;
comment on column allowance_charges.charge_id is 'the charge or tab whose money was counted';
