-- Step-up challenges (payments-svc asks auth-svc to have the user confirm one action) and the
-- single-use step-up tokens they yield.

CREATE TABLE challenges (
    id               uuid PRIMARY KEY,
    user_id          uuid        NOT NULL REFERENCES users (id),
    purpose          text        NOT NULL CHECK (length(purpose) BETWEEN 1 AND 200),
    amount_minor     bigint      CHECK (amount_minor IS NULL OR amount_minor >= 0),
    currency         text        CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'),
    reasons          text,
    allowed_methods  text        NOT NULL,
    device_nonce     text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'FAILED')),
    failed_attempts  integer     NOT NULL DEFAULT 0,
    created_by       text,
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    verified_at      timestamptz,
    verified_method  text
);
CREATE INDEX challenges_user_purpose ON challenges (user_id, purpose, created_at);

CREATE TABLE step_up_tokens (
    jti          uuid PRIMARY KEY,
    challenge_id uuid        NOT NULL REFERENCES challenges (id),
    user_id      uuid        NOT NULL REFERENCES users (id),
    purpose      text        NOT NULL,
    acr          text        NOT NULL,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    consumed_at  timestamptz
);
