-- Allowances (recurring consent): a consent may let its partner charge up to allowance_minor in
-- allowance_currency per period of allowance_interval, an ISO-8601 repeating interval
-- R[n]/<start>/<duration> (parsed and bounded by io.farthing.auth.consent.RepeatingInterval; the
-- text is stored as granted). The three columns are set together or not at all. What has been
-- used of a period is payments-svc's (its allowance_usage table): auth-svc only says which period
-- a charge falls in.
ALTER TABLE consents
    ADD COLUMN allowance_minor    bigint CHECK (allowance_minor > 0),
    ADD COLUMN allowance_currency text   CHECK (allowance_currency ~ '^[A-Z]{3}$'),
    ADD COLUMN allowance_interval text   CHECK (length(allowance_interval) BETWEEN 1 AND 64),
    ADD CONSTRAINT consents_allowance_whole CHECK (
        (allowance_minor IS NULL) = (allowance_currency IS NULL)
        AND (allowance_minor IS NULL) = (allowance_interval IS NULL));
