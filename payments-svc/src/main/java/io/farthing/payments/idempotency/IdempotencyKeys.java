package io.farthing.payments.idempotency;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.config.PaymentsConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Money rule 4, in PostgreSQL (never Redis: losing Redis must not replay a payment).
 *
 * <p>A key is first <em>claimed</em>: one row per (caller, key), inserted IN_FLIGHT with a lease.
 * Exactly one concurrent attempt inserts it; the others see it and get IN_PROGRESS (409 / ABORTED)
 * until it is done, then its stored outcome. The owner <em>completes</em> it in the same
 * transaction as the money, conditional on still holding the lease, so an attempt whose lease ran
 * out (it crashed, or stalled past {@code payments.idempotency.lease}) and was taken over can
 * never commit a second time. Same key with a different request: IDEMPOTENCY_KEY_REUSED (422 /
 * FAILED_PRECONDITION).
 */
@ApplicationScoped
public class IdempotencyKeys {
  private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(IdempotencyKeys.class);
  public static final String KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";
  public static final String KEY_IN_USE = "IDEMPOTENCY_KEY_IN_USE";
  public static final String KEY_NOT_FOUND = "IDEMPOTENCY_KEY_NOT_FOUND";
  private static final Pattern KEY = Pattern.compile("^[\\x21-\\x7E]{1,255}$");

  private static final String CLAIM =
      """
      insert into idempotency_keys (caller, key, operation, request_hash, state, lease_token, leased_until, expires_at)
      values ($1, $2, $3, $4, 'IN_FLIGHT', $5, now() + $6 * interval '1 millisecond', now() + $7 * interval '1 millisecond')
      on conflict (caller, key) do update
         set state = 'IN_FLIGHT', lease_token = excluded.lease_token, leased_until = excluded.leased_until,
             expires_at = excluded.expires_at, operation = excluded.operation, request_hash = excluded.request_hash,
             created_at = now(), resource_id = null, response = null, error_kind = null, error_reason = null,
             error_message = null
       where idempotency_keys.state = 'IN_FLIGHT' and idempotency_keys.leased_until < now()
             and idempotency_keys.request_hash = excluded.request_hash
         or idempotency_keys.expires_at < now()
      returning lease_token
      """;
  private static final String READ =
      "select operation, request_hash, state, resource_id, response, error_kind, error_reason, error_message"
          + " from idempotency_keys where caller = $1 and key = $2";
  private static final String COMPLETE =
      """
      update idempotency_keys
         set state = 'DONE', lease_token = null, leased_until = null, resource_id = $4, response = $5,
             error_kind = $6, error_reason = $7, error_message = $8
       where caller = $1 and key = $2 and lease_token = $3 and state = 'IN_FLIGHT'
      """;
  private static final String RELEASE =
      "delete from idempotency_keys where caller = $1 and key = $2 and lease_token = $3 and state = 'IN_FLIGHT'";
  private static final String BY_KEY =
      "select operation, resource_id from idempotency_keys where caller = $1 and key = $2 and state = 'DONE'";

  private final Pool pool;
  private final PaymentsConfig config;

  public IdempotencyKeys(Pool pool, PaymentsConfig config) {
    this.pool = pool;
    this.config = config;
  }

  /** Refuses a missing or malformed key before anything else happens. */
  public static String requireKey(String key, String field) {
    if (key == null || key.isEmpty()) {
      throw ApiException.invalid(field + " is required for every call that moves money", "MISSING_IDEMPOTENCY_KEY");
    }
    if (!KEY.matcher(key).matches()) {
      throw ApiException.invalid(
          field + " must be 1 to 255 printable ASCII characters without spaces", "INVALID_IDEMPOTENCY_KEY");
    }
    return key;
  }

  /** A digest of the operation and its canonical request: what "the same request" means. */
  public static byte[] hash(String operation, byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(operation.getBytes(StandardCharsets.UTF_8));
      for (byte[] part : parts) {
        digest.update((byte) 0);
        digest.update(intBytes(part.length));
        digest.update(part);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Uni<Claim> claim(String caller, String key, String operation, byte[] requestHash) {
    UUID lease = Ids.newId();
    return pool.preparedQuery(CLAIM)
        .execute(
            Tuple.from(
                Arrays.<Object>asList(
                    caller, key, operation, Buffer.buffer(requestHash), lease, config.idempotency().lease().toMillis(),
                    config.idempotency().ttl().toMillis())))
        .chain(
            claimed ->
                claimed.rowCount() == 1
                    ? Uni.createFrom().<Claim>item(new Claim.Fresh(caller, key, lease))
                    : existing(caller, key, operation, requestHash));
  }

  private Uni<Claim> existing(String caller, String key, String operation, byte[] requestHash) {
    return pool.preparedQuery(READ)
        .execute(Tuple.of(caller, key))
        .map(
            rows -> {
              if (!rows.iterator().hasNext()) {
                // Released between our insert and our read: the caller may simply retry.
                throw inUse();
              }
              Row row = rows.iterator().next();
              if (!operation.equals(row.getString("operation"))
                  || !Arrays.equals(requestHash, row.getBuffer("request_hash").getBytes())) {
                throw ApiException.precondition(
                    "This Idempotency-Key was already used for a different request", KEY_REUSED);
              }
              if (!"DONE".equals(row.getString("state"))) {
                throw inUse();
              }
              return new Claim.Replay(caller, key, outcome(row));
            });
  }

  /** Completes a claim inside the money's transaction; fails (rolling it back) if the lease was lost. */
  public Uni<Void> complete(SqlClient tx, Claim.Fresh claim, StoredOutcome outcome) {
    ApiException error = outcome.error();
    return tx.preparedQuery(COMPLETE)
        .execute(
            Tuple.from(
                Arrays.asList(
                    claim.caller(),
                    claim.key(),
                    claim.leaseToken(),
                    outcome.resourceId(),
                    outcome.response() == null ? null : Buffer.buffer(outcome.response()),
                    error == null ? null : error.kind().name(),
                    error == null ? null : error.reason(),
                    error == null ? null : error.getMessage())))
        .map(
            result -> {
              if (result.rowCount() != 1) {
                throw inUse();
              }
              return null;
            });
  }

  /**
   * After an attempt failed: a refusal (an ApiException other than UNAVAILABLE or IN_PROGRESS) is
   * stored as the key's outcome, unless the work already stored one in its own transaction
   * (complete() only succeeds while the claim is in flight); anything passing releases the key so
   * that a retry runs again.
   */
  public Uni<Void> settleFailure(Claim.Fresh claim, Throwable failure) {
    if (failure instanceof ApiException api
        && api.kind() != ApiException.Kind.UNAVAILABLE
        && api.kind() != ApiException.Kind.IN_PROGRESS) {
      return pool.withTransaction(tx -> complete(tx, claim, StoredOutcome.failure(null, api)))
          .onFailure()
          .recoverWithNull();
    }
    if (!(failure instanceof ApiException)) {
      LOG.warnf("A call failed (%s); its idempotency key is released for a retry", failure.getClass().getSimpleName());
    }
    return release(claim);
  }

  /** Forgets a claim whose attempt failed for a passing reason, so that a retry runs again. */
  public Uni<Void> release(Claim.Fresh claim) {
    return pool.preparedQuery(RELEASE)
        .execute(Tuple.of(claim.caller(), claim.key(), claim.leaseToken()))
        .replaceWithVoid();
  }

  /** The resource a completed key produced, for "look the outcome up by its key". */
  public Uni<Optional<UUID>> resourceOf(String caller, String key, String operation) {
    return pool.preparedQuery(BY_KEY)
        .execute(Tuple.of(caller, key))
        .map(
            rows -> {
              var iterator = rows.iterator();
              if (!iterator.hasNext()) {
                return Optional.<UUID>empty();
              }
              Row row = iterator.next();
              return operation.equals(row.getString("operation"))
                  ? Optional.ofNullable(row.getUUID("resource_id"))
                  : Optional.<UUID>empty();
            });
  }

  /** Deletes keys past their expiry, a bounded batch at a time. */
  public Uni<Integer> purgeExpired(int batch) {
    return pool.preparedQuery(
            "delete from idempotency_keys where ctid in (select ctid from idempotency_keys"
                + " where expires_at < now() limit $1)")
        .execute(Tuple.of(batch))
        .map(RowSet::rowCount);
  }

  private static StoredOutcome outcome(Row row) {
    String kind = row.getString("error_kind");
    UUID resource = row.getUUID("resource_id");
    if (kind != null) {
      return StoredOutcome.failure(
          resource,
          new ApiException(
              ApiException.Kind.valueOf(kind), row.getString("error_reason"), row.getString("error_message")));
    }
    var response = row.getBuffer("response");
    return StoredOutcome.success(resource, response == null ? new byte[0] : response.getBytes());
  }

  private static ApiException inUse() {
    return new ApiException(
        ApiException.Kind.IN_PROGRESS,
        KEY_IN_USE,
        "A request with this Idempotency-Key is being processed; retry shortly",
        1L);
  }

  private static byte[] intBytes(int value) {
    return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
  }
}
