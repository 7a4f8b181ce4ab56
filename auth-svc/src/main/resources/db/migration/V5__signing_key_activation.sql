-- A new signing key is published before it signs: verifiers refresh their cached JWKS on a
-- schedule, so a key must be in the JWKS for longer than that before the first token it signs
-- reaches them. activates_at is when a key starts signing; the newest key whose activates_at
-- has passed is the one that signs.
ALTER TABLE signing_keys ADD COLUMN activates_at timestamptz;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL;
DROP INDEX signing_keys_one_active;
CREATE INDEX signing_keys_activation ON signing_keys (activates_at);
