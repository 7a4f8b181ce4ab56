-- auth-svc core: users, signing keys, refresh tokens, login tickets, audit.
-- Personal data is stored encrypted (AES-256-GCM under a per-user data key wrapped by the
-- service's master key); look-ups go through a keyed blind index.

CREATE TABLE users (
    id                        uuid PRIMARY KEY,
    email_index               text UNIQUE,
    email_enc                 bytea,
    display_name_enc          bytea,
    data_key_wrapped          bytea,
    password_hash             text,
    roles                     text        NOT NULL DEFAULT 'user',
    status                    text        NOT NULL DEFAULT 'ACTIVE'
                              CHECK (status IN ('ACTIVE', 'ERASED')),
    time_zone                 text        NOT NULL DEFAULT 'UTC',
    security_level            text        NOT NULL DEFAULT 'STANDARD'
                              CHECK (security_level IN ('STANDARD', 'STRICT', 'ALWAYS')),
    strict_threshold_minor    bigint      CHECK (strict_threshold_minor IS NULL OR strict_threshold_minor >= 0),
    strict_threshold_currency text CHECK (strict_threshold_currency ~ '^[A-Z]{3}$'),
    locked_until              timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    erased_at                 timestamptz,
    version                   integer     NOT NULL DEFAULT 0,
    CHECK (status <> 'ERASED' OR (email_index IS NULL AND email_enc IS NULL AND data_key_wrapped IS NULL))
);

-- JWT signing keys. The private half is wrapped by the master key; a retired key stays in the
-- JWKS until publish_until, when the last token it signed has expired.
CREATE TABLE signing_keys (
    kid                 text PRIMARY KEY,
    algorithm           text        NOT NULL,
    public_jwk          text        NOT NULL,
    private_key_wrapped bytea       NOT NULL,
    created_at          timestamptz NOT NULL,
    retired_at          timestamptz,
    publish_until       timestamptz
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

-- Opaque refresh tokens, stored as SHA-256. Each use spends the token and issues the next one
-- in the same family; presenting a spent token revokes the family.
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid        NOT NULL,
    user_id     uuid        NOT NULL REFERENCES users (id),
    token_hash  text        NOT NULL UNIQUE,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    auth_method text        NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Append-only audit trail of credential changes, logins, lock-outs and client changes.
CREATE TABLE audit_events (
    id              uuid PRIMARY KEY,
    occurred_at     timestamptz NOT NULL,
    actor_type      text        NOT NULL,
    actor_id        text,
    subject_user_id uuid,
    action          text        NOT NULL,
    outcome         text        NOT NULL CHECK (outcome IN ('SUCCESS', 'FAILURE', 'DENIED')),
    ip              text,
    user_agent      text,
    details         text
);
CREATE INDEX audit_events_subject ON audit_events (subject_user_id, occurred_at);
CREATE INDEX audit_events_time ON audit_events (occurred_at);
