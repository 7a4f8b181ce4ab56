-- Allowances (recurring consent): what a partner has charged of a user's allowance in one period.
-- auth-svc owns the allowance (limit, ISO-8601 repeating interval) and names the period each
-- charge falls in; payments-svc counts here, in the charge's money transaction, with one
-- conditional upsert (io.farthing.payments.allowance.AllowanceRepository.COUNT), so parallel
-- charges on any number of replicas never take used_minor past limit_minor.
CREATE TABLE allowance_usage (
    consent_id        text        NOT NULL CHECK (length(consent_id) BETWEEN 1 AND 64),
    period_start      timestamptz NOT NULL,
    period_end        timestamptz NOT NULL,
    user_id           uuid        NOT NULL,
    partner_client_id text        NOT NULL,
    currency          text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- The limit as the last counted charge saw it (the user may change it mid-period).
    limit_minor       bigint      NOT NULL CHECK (limit_minor > 0),
    used_minor        bigint      NOT NULL CHECK (used_minor >= 0 AND used_minor <= limit_minor),
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (consent_id, period_start),
    CHECK (period_end > period_start)
);
CREATE INDEX allowance_usage_user ON allowance_usage (user_id, period_end);

-- Which period each charge was counted in, and how much of it has been given back (a void, an
-- expired hold, the uncaptured rest of a hold, or a refund, while the period lasts).
CREATE TABLE allowance_charges (
    charge_id      uuid        PRIMARY KEY REFERENCES charges (id) DEFERRABLE INITIALLY DEFERRED,
    consent_id     text        NOT NULL,
    period_start   timestamptz NOT NULL,
    counted_minor  bigint      NOT NULL CHECK (counted_minor > 0),
    returned_minor bigint      NOT NULL DEFAULT 0 CHECK (returned_minor >= 0 AND returned_minor <= counted_minor),
    FOREIGN KEY (consent_id, period_start) REFERENCES allowance_usage (consent_id, period_start)
);
