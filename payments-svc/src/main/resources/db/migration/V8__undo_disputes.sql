-- Undo and disputes (issue 8).

-- A merchant's mark on goods that cannot be given back once delivered (consumed, downloaded):
-- the user cannot undo such a charge. Existing charges stay undoable.
alter table charges add column final_sale boolean not null default false;

-- The undo window runs from the capture: the posting that captured the charge (CHARGE_CAPTURE at
-- once, HOLD_CAPTURE later) is found by its ref_id, which postings_ref already indexes.
