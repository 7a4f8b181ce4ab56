-- Partner API clients (OAuth2 client credentials) and users' payment consents to partners.

-- A partner or internal API client. The secret is 256-bit random, so its SHA-256 is stored and
-- never the secret. After a rotation the previous secret keeps working until
-- previous_secret_expires_at, so a partner can roll its deployment without downtime.
CREATE TABLE api_clients (
    id                         text PRIMARY KEY CHECK (id ~ '^fcl_[0-9a-f]{32}$'),
    name                       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- Space-separated OAuth2 scopes, sorted; never empty.
    scopes                     text        NOT NULL CHECK (scopes <> ''),
    secret_hash                text        NOT NULL,
    previous_secret_hash       text,
    previous_secret_expires_at timestamptz,
    status                     text        NOT NULL DEFAULT 'ACTIVE'
                               CHECK (status IN ('ACTIVE', 'DISABLED')),
    created_at                 timestamptz NOT NULL,
    updated_at                 timestamptz NOT NULL,
    disabled_at                timestamptz,
    version                    integer     NOT NULL DEFAULT 0,
    CHECK ((previous_secret_hash IS NULL) = (previous_secret_expires_at IS NULL))
);

-- A user's permission for one partner to charge them without the user present, optionally
-- capped per charge. At most one active (not revoked) consent per user and partner; revoked
-- rows stay as history until the user is erased.
CREATE TABLE consents (
    id                      uuid PRIMARY KEY,
    user_id                 uuid        NOT NULL REFERENCES users (id),
    client_id               text        NOT NULL REFERENCES api_clients (id),
    max_per_charge_minor    bigint      CHECK (max_per_charge_minor > 0),
    max_per_charge_currency text        CHECK (max_per_charge_currency ~ '^[A-Z]{3}$'),
    granted_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL,
    revoked_at              timestamptz,
    version                 integer     NOT NULL DEFAULT 0,
    CHECK ((max_per_charge_minor IS NULL) = (max_per_charge_currency IS NULL))
);
CREATE UNIQUE INDEX consents_one_active ON consents (user_id, client_id) WHERE revoked_at IS NULL;
CREATE INDEX consents_user ON consents (user_id, id);
CREATE INDEX consents_check ON consents (user_id, client_id, id);
