package io.farthing.notify.webhook;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Keeps webhook_secrets sealed under the newest key-encryption key, safely with any number of
 * replicas: every pass works in batches, each one short transaction that takes its rows with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas running the same pass share the rows instead of
 * fighting over them, and a crash mid-pass loses nothing (the batch rolls back, the next pass
 * finds the rows again).
 *
 * <ul>
 *   <li>{@link #sealPlaintextRows} (every {@code secrets.seal-interval} and at start-up): rows that
 *       still hold plaintext (written before V4, or by a previous-release pod during the rollout)
 *       get a sealed copy; the plaintext is then erased unless {@code secrets.keep-plaintext}.
 *   <li>{@link #rewrap} (operators, after a new key reached every replica): rows sealed under an
 *       older key are opened and sealed again under the newest.
 * </ul>
 *
 * Neither ever logs a secret or a key; a row that does not open is skipped and counted.
 */
@ApplicationScoped
public class SecretKeys {
  private static final Logger LOG = Logger.getLogger(SecretKeys.class);

  /** What a pass did. */
  public record PassResult(int changed, int failed) {}

  /** Where the table stands, as this replica sees it (never a key, never a secret). */
  public record KeyStatus(
      List<Integer> configuredVersions, int sealingVersion, boolean keepPlaintext,
      Map<Integer, Long> rowsByKeyVersion, long rowsNotSealed, long rowsWithPlaintext) {}

  private final Pool pool;
  private final SecretCipher cipher;
  private final WebhooksConfig.Secrets config;

  public SecretKeys(Pool pool, SecretCipher cipher, WebhooksConfig config) {
    this.pool = pool;
    this.cipher = cipher;
    this.config = config.secrets();
  }

  @Scheduled(
      every = "${notify.webhooks.secrets.seal-interval:5m}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> scheduledSeal() {
    return sealPlaintextRows()
        .invoke(
            r -> {
              if (r.changed() > 0 || r.failed() > 0) {
                LOG.infof("Webhook secrets sealed at rest: %d rows changed, %d could not be", r.changed(), r.failed());
              }
            })
        .onFailure()
        .recoverWithItem(
            failure -> {
              LOG.warnf("Sealing webhook secrets failed (retried next pass): %s", failure.getClass().getSimpleName());
              return null;
            })
        .replaceWithVoid();
  }

  /** Seals every row that still holds plaintext, and erases that plaintext unless keep-plaintext. */
  public Uni<PassResult> sealPlaintextRows() {
    String select =
        "select id, endpoint_id, secret, secret_sealed, key_version from webhook_secrets where secret is not null"
            + (config.keepPlaintext() ? " and secret_sealed is null" : "")
            + " and id > $1 order by id limit $2 for update skip locked";
    return batches(select, this::sealBatch, new UUID(0, 0), new PassResult(0, 0));
  }

  /** Seals again, under the newest key, every row sealed under an older one. */
  public Uni<PassResult> rewrap() {
    String select =
        "select id, endpoint_id, secret, secret_sealed, key_version from webhook_secrets where key_version < "
            + cipher.newestVersion() + " and id > $1 order by id limit $2 for update skip locked";
    return batches(select, this::rewrapBatch, new UUID(0, 0), new PassResult(0, 0));
  }

  public Uni<KeyStatus> status() {
    return pool.query(
            "select key_version, count(*) as n, count(*) filter (where secret_sealed is null) as not_sealed,"
                + " count(*) filter (where secret is not null) as plaintext from webhook_secrets group by key_version")
        .execute()
        .map(
            rows -> {
              Map<Integer, Long> byVersion = new TreeMap<>();
              long notSealed = 0;
              long plaintext = 0;
              for (Row r : rows) {
                if (r.getInteger("key_version") != null) {
                  byVersion.put(r.getInteger("key_version"), r.getLong("n"));
                }
                notSealed += r.getLong("not_sealed");
                plaintext += r.getLong("plaintext");
              }
              return new KeyStatus(
                  List.copyOf(cipher.versions()), cipher.newestVersion(), config.keepPlaintext(), byVersion, notSealed,
                  plaintext);
            });
  }

  private interface Batch {
    /** The updates for the rows taken (one tuple per changed row) and how many could not be. */
    Uni<Integer> apply(SqlConnection tx, List<Row> rows, int[] failed);
  }

  /** Runs batches until one comes back short; keyset order, so a skipped row is not taken again. */
  private Uni<PassResult> batches(String select, Batch batch, UUID after, PassResult sofar) {
    int size = config.batchSize();
    List<UUID> last = new ArrayList<>(1);
    int[] taken = new int[1];
    int[] failed = new int[1];
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(select)
                    .execute(Tuple.of(after, size))
                    .chain(
                        rows -> {
                          List<Row> list = new ArrayList<>();
                          rows.forEach(list::add);
                          taken[0] = list.size();
                          if (!list.isEmpty()) {
                            last.add(list.get(list.size() - 1).getUUID("id"));
                          }
                          return list.isEmpty() ? Uni.createFrom().item(0) : batch.apply(tx, list, failed);
                        }))
        .chain(
            changed -> {
              PassResult total = new PassResult(sofar.changed() + changed, sofar.failed() + failed[0]);
              return taken[0] < size ? Uni.createFrom().item(total) : batches(select, batch, last.get(0), total);
            });
  }

  private Uni<Integer> sealBatch(SqlConnection tx, List<Row> rows, int[] failed) {
    List<Tuple> updates = new ArrayList<>();
    for (Row r : rows) {
      UUID id = r.getUUID("id");
      UUID endpointId = r.getUUID("endpoint_id");
      byte[] plaintext = r.getBuffer("secret").getBytes();
      Buffer keep = config.keepPlaintext() ? Buffer.buffer(plaintext) : null;
      if (r.getBuffer("secret_sealed") == null) {
        SecretCipher.Sealed sealed = cipher.seal(endpointId, id, plaintext);
        updates.add(Tuple.of(id, Buffer.buffer(sealed.bytes()), sealed.keyVersion(), keep));
        continue;
      }
      // Sealed while plaintext was kept: erase the plaintext only if the sealed copy holds it.
      try {
        byte[] opened = cipher.open(endpointId, id, r.getBuffer("secret_sealed").getBytes(), r.getInteger("key_version"));
        if (!MessageDigest.isEqual(opened, plaintext)) {
          throw new SecretCipher.SecretUnavailable(id, "the sealed copy differs from the plaintext");
        }
        updates.add(Tuple.of(id, bytea(r, "secret_sealed"), r.getInteger("key_version"), keep));
      } catch (SecretCipher.SecretUnavailable e) {
        failed[0]++;
        LOG.errorf("Webhook secret plaintext kept: %s", e.getMessage());
      }
    }
    return update(tx, updates);
  }

  private Uni<Integer> rewrapBatch(SqlConnection tx, List<Row> rows, int[] failed) {
    List<Tuple> updates = new ArrayList<>();
    for (Row r : rows) {
      UUID id = r.getUUID("id");
      UUID endpointId = r.getUUID("endpoint_id");
      try {
        byte[] secret = cipher.open(endpointId, id, r.getBuffer("secret_sealed").getBytes(), r.getInteger("key_version"));
        SecretCipher.Sealed sealed = cipher.seal(endpointId, id, secret);
        updates.add(Tuple.of(id, Buffer.buffer(sealed.bytes()), sealed.keyVersion(), bytea(r, "secret")));
      } catch (SecretCipher.SecretUnavailable e) {
        failed[0]++;
        LOG.errorf("Webhook secret not rewrapped: %s", e.getMessage());
      }
    }
    return update(tx, updates);
  }

  /** A bytea column as a parameter again (the row's Mutiny buffer is not one), null kept. */
  private static Buffer bytea(Row r, String column) {
    var value = r.getBuffer(column);
    return value == null ? null : value.getDelegate();
  }

  private static Uni<Integer> update(SqlConnection tx, List<Tuple> updates) {
    if (updates.isEmpty()) {
      return Uni.createFrom().item(0);
    }
    return tx.preparedQuery("update webhook_secrets set secret_sealed = $2, key_version = $3, secret = $4 where id = $1")
        .executeBatch(updates)
        .replaceWith(updates.size());
  }
}
