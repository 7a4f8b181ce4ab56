package io.farthing.notify.webhook;

import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The queries on webhook_endpoints and webhook_secrets. Every read is scoped to a partner.
 * Signing secrets are written sealed ({@link SecretCipher}) and opened on the way out; the
 * plaintext column is written too only while {@code secrets.keep-plaintext} (a rollout from a
 * release without encryption), and read only for rows that release wrote and the background pass
 * has not sealed yet.
 */
@ApplicationScoped
public class EndpointStore {
  static final String COLUMNS =
      "e.id, e.partner_client_id, e.url, e.description, e.event_types, e.mode, e.digest_window_ms, e.contact_email,"
          + " e.enabled, e.disabled_reason, e.disabled_at, e.created_at, e.updated_at,"
          + " (select max(s.expires_at) from webhook_secrets s where s.endpoint_id = e.id and s.expires_at > now())"
          + " as previous_secret_expires_at";

  private final SecretCipher cipher;
  private final boolean keepPlaintext;

  public EndpointStore(SecretCipher cipher, WebhooksConfig config) {
    this.cipher = cipher;
    this.keepPlaintext = config.secrets().keepPlaintext();
  }

  public Uni<Void> insert(SqlClient tx, UUID id, String partner, NewEndpoint e) {
    return tx.preparedQuery(
            "insert into webhook_endpoints (id, partner_client_id, url, description, event_types, mode, digest_window_ms,"
                + " contact_email) values ($1, $2, $3, $4, $5, $6, $7, $8)")
        .execute(
            Tuple.from(
                Arrays.asList(
                    id, partner, e.url(), e.description(), e.eventTypes().toArray(String[]::new), e.mode().name(),
                    e.digestWindowMs(), e.contactEmail())))
        .replaceWithVoid();
  }

  public Uni<Void> insertSecret(SqlClient tx, UUID endpointId, byte[] secret) {
    UUID secretId = io.farthing.common.Ids.newId();
    SecretCipher.Sealed sealed = cipher.seal(endpointId, secretId, secret);
    return tx.preparedQuery(
            "insert into webhook_secrets (id, endpoint_id, secret_sealed, key_version, secret) values ($1, $2, $3, $4, $5)")
        .execute(
            Tuple.from(
                Arrays.asList(
                    secretId, endpointId, Buffer.buffer(sealed.bytes()), sealed.keyVersion(),
                    keepPlaintext ? Buffer.buffer(secret) : null)))
        .replaceWithVoid();
  }

  /** Serialises endpoint creation per partner, so the per-partner limit holds under races. */
  public Uni<Long> lockAndCount(SqlClient tx, String partner) {
    return tx.preparedQuery("select pg_advisory_xact_lock(hashtext('webhook_endpoints:' || $1))")
        .execute(Tuple.of(partner))
        .chain(
            () ->
                tx.preparedQuery("select count(*) from webhook_endpoints where partner_client_id = $1")
                    .execute(Tuple.of(partner)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  public Uni<Endpoint> find(SqlClient client, String partner, UUID id) {
    return client
        .preparedQuery("select " + COLUMNS + " from webhook_endpoints e where e.id = $1 and e.partner_client_id = $2")
        .execute(Tuple.of(id, partner))
        .map(EndpointStore::first);
  }

  /** Any partner's endpoint: for the dispatcher and operators only. */
  public Uni<Endpoint> findAny(SqlClient client, UUID id) {
    return client
        .preparedQuery("select " + COLUMNS + " from webhook_endpoints e where e.id = $1")
        .execute(Tuple.of(id))
        .map(EndpointStore::first);
  }

  /** Oldest first; ids are time-ordered, so the page token is the last id shown. */
  public Uni<List<Endpoint>> list(SqlClient client, String partner, UUID after, int limit) {
    return client
        .preparedQuery(
            "select " + COLUMNS + " from webhook_endpoints e where e.partner_client_id = $1"
                + " and ($2::uuid is null or e.id > $2) order by e.id limit $3")
        .execute(Tuple.from(Arrays.asList(partner, after, limit)))
        .map(EndpointStore::all);
  }

  /** The enabled endpoints of {@code partner} subscribed to {@code type}: the fan-out's targets. */
  public Uni<List<Endpoint>> subscribers(SqlClient tx, String partner, String type) {
    return tx.preparedQuery(
            "select " + COLUMNS + " from webhook_endpoints e where e.partner_client_id = $1 and e.enabled"
                + " and (cardinality(e.event_types) = 0 or $2 = any(e.event_types)) order by e.id")
        .execute(Tuple.of(partner, type))
        .map(EndpointStore::all);
  }

  public Uni<Void> update(SqlClient tx, Endpoint e) {
    return tx.preparedQuery(
            "update webhook_endpoints set url = $2, description = $3, event_types = $4, contact_email = $5,"
                + " updated_at = now() where id = $1")
        .execute(
            Tuple.from(
                Arrays.asList(
                    e.id(), e.url(), e.description(), e.eventTypes().toArray(String[]::new), e.contactEmail())))
        .replaceWithVoid();
  }

  /** Disabled by the partner: deliveries wait (not parked) until it is enabled again. */
  public Uni<Void> disableByPartner(SqlClient tx, UUID id) {
    return tx.preparedQuery(
            "update webhook_endpoints set enabled = false, disabled_reason = 'Disabled by the partner',"
                + " disabled_at = now(), updated_at = now() where id = $1 and enabled")
        .execute(Tuple.of(id))
        .replaceWithVoid();
  }

  /** Enabled again: the failure record starts afresh. */
  public Uni<Void> enable(SqlClient tx, UUID id) {
    return tx.preparedQuery(
            "update webhook_endpoints set enabled = true, disabled_reason = null, disabled_at = null,"
                + " consecutive_failures = 0, failing_since = null, updated_at = now() where id = $1 and not enabled")
        .execute(Tuple.of(id))
        .replaceWithVoid();
  }

  public Uni<Boolean> delete(SqlClient tx, String partner, UUID id) {
    return tx.preparedQuery("delete from webhook_endpoints where id = $1 and partner_client_id = $2")
        .execute(Tuple.of(id, partner))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * A new secret that signs from now on; the ones still active keep signing until {@code overlapMs}
   * from now (or their own earlier end). Expired secrets are dropped.
   */
  public Uni<Void> rotate(SqlClient tx, UUID endpointId, byte[] secret, long overlapMs) {
    return tx.preparedQuery(
            "update webhook_secrets set expires_at = least(coalesce(expires_at, 'infinity'), now() + $2 * interval '1 millisecond')"
                + " where endpoint_id = $1 and (expires_at is null or expires_at > now())")
        .execute(Tuple.of(endpointId, overlapMs))
        .chain(
            () ->
                tx.preparedQuery("delete from webhook_secrets where endpoint_id = $1 and expires_at <= now()")
                    .execute(Tuple.of(endpointId)))
        .chain(() -> insertSecret(tx, endpointId, secret));
  }

  /**
   * The secrets that sign a delivery now, newest first, opened. Fails with
   * {@link SecretCipher.SecretUnavailable} if any of them does not open: a delivery is never
   * signed with fewer secrets, or other bytes, than the partner was given.
   */
  public Uni<List<byte[]>> activeSecrets(SqlClient client, UUID endpointId) {
    return client
        .preparedQuery(
            "select id, secret, secret_sealed, key_version from webhook_secrets where endpoint_id = $1"
                + " and (expires_at is null or expires_at > now()) order by created_at desc, id desc")
        .execute(Tuple.of(endpointId))
        .map(
            rows -> {
              List<byte[]> secrets = new ArrayList<>();
              rows.forEach(r -> secrets.add(secret(endpointId, r)));
              return secrets;
            });
  }

  private byte[] secret(UUID endpointId, Row r) {
    UUID id = r.getUUID("id");
    var sealed = r.getBuffer("secret_sealed");
    if (sealed != null) {
      return cipher.open(endpointId, id, sealed.getBytes(), r.getInteger("key_version"));
    }
    var legacy = r.getBuffer("secret");
    if (legacy == null) {
      throw new SecretCipher.SecretUnavailable(id, "the row holds no secret");
    }
    return legacy.getBytes(); // written by a release without encryption; sealed by the next pass
  }

  private static Endpoint first(RowSet<Row> rows) {
    var it = rows.iterator();
    return it.hasNext() ? endpoint(it.next()) : null;
  }

  private static List<Endpoint> all(RowSet<Row> rows) {
    List<Endpoint> list = new ArrayList<>();
    rows.forEach(r -> list.add(endpoint(r)));
    return list;
  }

  static Endpoint endpoint(Row r) {
    return new Endpoint(
        r.getUUID("id"),
        r.getString("partner_client_id"),
        r.getString("url"),
        r.getString("description"),
        List.of(r.getArrayOfStrings("event_types")),
        DeliveryMode.valueOf(r.getString("mode")),
        r.getLong("digest_window_ms"),
        r.getString("contact_email"),
        r.getBoolean("enabled"),
        r.getString("disabled_reason"),
        instant(r.getOffsetDateTime("disabled_at")),
        instant(r.getOffsetDateTime("created_at")),
        instant(r.getOffsetDateTime("updated_at")),
        instant(r.getOffsetDateTime("previous_secret_expires_at")));
  }

  public static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  public static OffsetDateTime utc(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
