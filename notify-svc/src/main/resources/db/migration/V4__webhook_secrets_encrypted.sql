-- Webhook signing secrets encrypted at rest: the EXPAND step of expand -> contract.
--
-- secret_sealed is AES-256-GCM under the key-encryption key ring notify.webhooks.keys
-- (FARTHING_WEBHOOK_KEYS), with "webhook_secrets:<endpoint_id>:<id>" as associated data so a
-- ciphertext copied to another row does not open; its layout is io.farthing.common.crypto
-- VersionedKeys (format byte, key version, nonce, ciphertext, tag). key_version repeats the
-- version in the clear so rewrap can find rows under an older key.
--
-- The plaintext column `secret` stays, nullable, so that pods of the previous release (which
-- read and write only `secret`) keep signing during the rollout, and so rows they insert
-- meanwhile are sealed afterwards (SecretKeys' background pass). The contract step (a later
-- release; notify-svc/docs/webhooks.md, "Encryption at rest") drops it once no row holds one.
alter table webhook_secrets
  add column secret_sealed bytea,
  add column key_version   integer check (key_version > 0),
  alter column secret drop not null;

alter table webhook_secrets
  add constraint webhook_secrets_sealed_has_version check ((secret_sealed is null) = (key_version is null)),
  add constraint webhook_secrets_has_a_secret check (secret is not null or secret_sealed is not null);

-- The background pass looks for rows still holding plaintext: none, once the rollout is done.
create index webhook_secrets_plaintext_idx on webhook_secrets (id) where secret is not null;
