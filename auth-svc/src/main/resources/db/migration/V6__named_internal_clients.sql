-- Internal clients (payments-svc, ...) are bootstrapped from configuration under their service's
-- name (auth.bootstrap-clients."payments-svc".*), so a client id is now either the generated form
-- an admin gets ("fcl_" and a UUIDv7 in hex) or a service name: lowercase letters, digits and
-- single hyphens, starting with a letter, 3 to 63 characters. Neither form can be the other.
ALTER TABLE api_clients DROP CONSTRAINT api_clients_id_check;
ALTER TABLE api_clients ADD CONSTRAINT api_clients_id_check CHECK (
    id ~ '^fcl_[0-9a-f]{32}$'
    OR (id ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' AND length(id) BETWEEN 3 AND 63)
);
