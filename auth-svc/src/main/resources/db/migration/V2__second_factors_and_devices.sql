-- Second factors (TOTP and recovery codes), sign-ins waiting for a second factor, and device
-- keys (the server side of biometric sign-in). Every secret is stored encrypted (TOTP secrets,
-- under the user's data key) or as SHA-256 of a high-entropy value (codes, tickets, nonces).

-- One TOTP authenticator per user. PENDING until the user proves the app holds the secret;
-- last_used_step is the newest accepted time step: codes at or before it are never accepted
-- again, which makes every code single use even inside the ±1 step window.
CREATE TABLE totp_credentials (
    user_id        uuid PRIMARY KEY REFERENCES users (id),
    secret_enc     bytea       NOT NULL,
    status         text        NOT NULL CHECK (status IN ('PENDING', 'ENABLED')),
    last_used_step bigint      CHECK (last_used_step IS NULL OR last_used_step >= 0),
    created_at     timestamptz NOT NULL,
    enabled_at     timestamptz,
    CHECK (status <> 'ENABLED' OR enabled_at IS NOT NULL)
);

-- Single-use recovery codes, shown once; used_at marks a spent code.
CREATE TABLE recovery_codes (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    code_hash  text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- A password sign-in that still needs the second factor: opaque, single use, short-lived.
CREATE TABLE mfa_tickets (
    id         uuid PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id),
    token_hash text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX mfa_tickets_user ON mfa_tickets (user_id);
CREATE INDEX mfa_tickets_expiry ON mfa_tickets (expires_at);

-- A device's EC P-256 public key (X.509 SubjectPublicKeyInfo, DER). The private key never
-- leaves the device; the name is personal data and sealed under the user's data key.
CREATE TABLE device_keys (
    id           uuid PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id),
    name_enc     bytea       NOT NULL,
    public_key   bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    UNIQUE (user_id, public_key)
);
CREATE INDEX device_keys_user ON device_keys (user_id);

-- Nonces a device signs to sign in: single use, short-lived, gone with their device.
CREATE TABLE device_challenges (
    id         uuid PRIMARY KEY,
    device_id  uuid        NOT NULL REFERENCES device_keys (id) ON DELETE CASCADE,
    nonce_hash text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX device_challenges_device ON device_challenges (device_id);
CREATE INDEX device_challenges_expiry ON device_challenges (expires_at);
