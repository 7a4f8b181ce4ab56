package io.farthing.common.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Money rule 5's second half, shared by every service with an outbox (payments-svc, auth-svc):
 * drains an outbox table to a {@link Publisher} (notify-svc's {@code Publish}, idempotent by event
 * id) at least once, in order per ordering key, with any number of replicas.
 *
 * <p><b>Who may publish what.</b> Ordering keys are hashed into {@code shards} shards
 * ({@code hashtext(key) & 0x7fffffff % shards}; every replica must use the same count). A pass
 * opens one transaction, finds the shards with due events and, in a random order, takes a
 * transaction-scoped advisory lock ({@code pg_try_advisory_xact_lock(lockClass, shard)}) on as
 * many as fill a batch, of those no other replica holds (so replicas share a backlog).
 * Only the holder of a shard reads its events, so while replica A publishes events 1–3 of a key,
 * replica B cannot take event 4: it does not get the shard. Row locks alone cannot give that
 * ({@code SKIP LOCKED} lets B skip A's locked rows and see event 4 as the next one). The lock
 * ends with the transaction — on commit, on rollback, or when a killed replica's connection
 * drops — so no lease needs expiring and a crash only means that what it published but had not
 * yet marked is published again (notify-svc dedupes by event id).
 *
 * <p><b>Order.</b> In its shards a pass takes, oldest first ({@code seq}), up to {@code batch}
 * due events, leaving out every event behind an earlier pending one of its key that is backing
 * off, so a batch carries several events of one key in order and a later event never overtakes
 * an earlier one. Keys are published concurrently (at most {@code concurrency} at a time), each
 * key's events one after another; the first failure of a key stops the key for this pass (the
 * failed event backs off exponentially, 1 s doubling up to {@code maxBackoff}; nothing is ever
 * dropped) while the other keys go on. The cap bounds how long a backlog waits once notify-svc is
 * back after an outage. Writers must append the events of a key whose order matters in commit
 * order: payments-svc writes a charge's events under the charge's row lock and a user's cap
 * changes under the caps row lock, so {@code seq} order is commit order there.
 *
 * <p><b>Time.</b> The transaction stays open while the batch is published: that is what keeps
 * the shards locked. It is bounded: every call has {@code publishTimeout}, and no call starts
 * after {@code passBudget}; what was not attempted stays due for the next pass. A pass that
 * filled its batch is followed at once by another; {@link #wake()} (after a commit that appended
 * events) starts a pass within milliseconds rather than at the next poll, and wake-ups while a
 * pass runs fold into one more pass, so a burst of commits costs a few passes, not one each.
 * When idle, the only statements are the scheduled poll's two indexed look-ups.
 */
public final class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final int ERROR_TEXT_MAX = 500;

  /** Publishes one event; a failure (or no answer within the publish timeout) means "try again later". */
  @FunctionalInterface
  public interface Publisher {
    Uni<Void> publish(OutboxRecord event);
  }

  /**
   * How a relay drains its table. {@code metricPrefix} names the meters (e.g.
   * {@code farthing.payments.outbox}: {@code .published}, {@code .failures}, {@code .pending},
   * {@code .oldest.pending.age}).
   */
  public record Settings(
      String table,
      String metricPrefix,
      int lockClass,
      int shards,
      int batch,
      int concurrency,
      Duration publishTimeout,
      Duration passBudget,
      Duration maxBackoff,
      Duration contendedRetry) {
    public Settings {
      if (!TABLE.matcher(table).matches()) {
        throw new IllegalArgumentException("not a plain table name: " + table);
      }
      require(shards, 1, 4096, "shards");
      require(batch, 1, 10_000, "batch");
      require(concurrency, 1, 256, "concurrency");
      for (Duration d : new Duration[] {publishTimeout, passBudget, maxBackoff, contendedRetry}) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("publishTimeout, passBudget, maxBackoff and contendedRetry must be positive");
        }
      }
    }

    private static void require(int value, int min, int max, String name) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", not " + value);
      }
    }
  }

  /**
   * What one pass did: events taken and published, whether another replica held due shards, and
   * whether due shards were left untried (the batch was full before they were reached).
   */
  record Pass(int taken, int published, boolean contended, boolean more) {
    static final Pass NOTHING = new Pass(0, 0, false, false);
  }

  private record Failure(UUID id, String error) {}

  private final Pool pool;
  private final Settings settings;
  private final Publisher publisher;
  private final boolean enabled;
  private final double maxBackoffSeconds;
  private final String dueShards;
  private final String lockShards;
  private final String take;
  private final String markPublished;
  private final String markFailed;
  private final String backlog;
  private final Counter published;
  private final Counter failures;
  private final AtomicLong pending = new AtomicLong();
  private final AtomicReference<Double> oldestPendingSeconds = new AtomicReference<>(0.0);
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean wanted = new AtomicBoolean();

  public OutboxRelay(Pool pool, Settings settings, Publisher publisher, MeterRegistry meters, boolean enabled) {
    this.pool = pool;
    this.settings = settings;
    this.publisher = publisher;
    this.enabled = enabled;
    this.maxBackoffSeconds = settings.maxBackoff().toMillis() / 1000.0;
    String t = settings.table();
    String shardOf = "((hashtext(o.ordering_key) & 2147483647) % $1)";
    this.dueShards =
        "select " + shardOf + "::int as shard, count(*) as due from " + t + " o"
            + " where o.published_at is null and o.next_attempt_at <= now() group by 1";
    this.lockShards = "select s from unnest($1::int[]) as s where pg_try_advisory_xact_lock($2, s)";
    this.take =
        "select o.id, o.type, o.user_id, o.partner_client_id, o.ordering_key, o.sequence, o.occurred_at,"
            + " o.data::text as data_json, o.attempts from " + t + " o"
            + " where o.published_at is null and o.next_attempt_at <= now() and " + shardOf + " = any($2::int[])"
            + " and not exists (select 1 from " + t + " earlier where earlier.ordering_key = o.ordering_key"
            + " and earlier.published_at is null and earlier.seq < o.seq and earlier.next_attempt_at > now())"
            + " order by o.seq limit $3";
    this.markPublished = "update " + t + " set published_at = now(), attempts = attempts + 1 where id = any($1)";
    this.markFailed =
        "update " + t + " set attempts = attempts + 1, last_error = $2, next_attempt_at = now()"
            + " + make_interval(secs => least($3::float8, power(2, least(attempts, 20)))) where id = $1";
    this.backlog =
        "select count(*) as pending, coalesce(extract(epoch from now() - min(occurred_at)), 0)::float8 as oldest"
            + " from " + t + " where published_at is null";
    String prefix = settings.metricPrefix();
    this.published =
        Counter.builder(prefix + ".published").description("Events notify-svc accepted").register(meters);
    this.failures =
        Counter.builder(prefix + ".failures").description("Publish attempts that failed (retried later)").register(meters);
    Gauge.builder(prefix + ".pending", pending, AtomicLong::get)
        .description("Events not yet accepted by notify-svc (as of the last poll)")
        .register(meters);
    Gauge.builder(prefix + ".oldest.pending.age", oldestPendingSeconds, AtomicReference::get)
        .description("Age of the oldest event not yet accepted by notify-svc (as of the last poll): the relay's lag")
        .baseUnit("seconds")
        .register(meters);
  }

  /**
   * The scheduled poll: starts a pass (unless one runs) and refreshes the backlog gauges. The
   * safety net under {@link #wake()}: events another replica committed, retries that came due.
   */
  public Uni<Void> poll() {
    if (!enabled) {
      return Uni.createFrom().voidItem();
    }
    wake();
    return pool.query(backlog)
        .execute()
        .invoke(
            rows -> {
              Row row = rows.iterator().next();
              pending.set(row.getLong("pending"));
              oldestPendingSeconds.set(row.getDouble("oldest"));
            })
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.debugf("Outbox backlog of %s not read: %s", settings.table(), e.getClass().getSimpleName());
              return null;
            });
  }

  /**
   * Asks for a pass soon: now if none is running, otherwise one more right after the running
   * one. Cheap and safe to call from any thread, as often as commits happen.
   */
  public void wake() {
    if (!enabled) {
      return;
    }
    wanted.set(true);
    kick();
  }

  private void kick() {
    if (!running.compareAndSet(false, true)) {
      return;
    }
    wanted.set(false);
    pass()
        .subscribe()
        .with(
            pass -> {
              running.set(false);
              if (pass.taken() >= settings.batch() || wanted.get() || (pass.more() && pass.taken() > 0)) {
                kick();
              } else if (pass.contended()) {
                retryLater();
              }
            },
            failure -> {
              running.set(false);
              LOG.debugf("Outbox relay pass on %s failed: %s", settings.table(), failure.getClass().getSimpleName());
            });
  }

  /** Another replica holds shards with due events: look again shortly (it may be done by then). */
  private void retryLater() {
    Uni.createFrom()
        .voidItem()
        .onItem()
        .delayIt()
        .by(settings.contendedRetry())
        .subscribe()
        .with(ignored -> wake(), failure -> {});
  }

  /** One pass (see the class comment); returns how many events notify-svc accepted. */
  public Uni<Integer> drainOnce() {
    return pass().map(Pass::published);
  }

  Uni<Pass> pass() {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(dueShards)
                .execute(Tuple.of(settings.shards()))
                .chain(
                    rows -> {
                      List<int[]> due = new ArrayList<>();
                      rows.forEach(row -> due.add(new int[] {row.getInteger("shard"), row.getLong("due").intValue()}));
                      if (due.isEmpty()) {
                        return Uni.createFrom().item(Pass.NOTHING);
                      }
                      // Replicas try the shards in different orders; each locks what fills its batch.
                      Collections.shuffle(due);
                      return lockSome(tx, due, 0, false)
                          .chain(
                              locked ->
                                  locked.shards().isEmpty()
                                      ? Uni.createFrom().item(new Pass(0, 0, locked.contended(), false))
                                      : takeAndPublish(tx, locked));
                    }));
  }

  private record Locked(List<Integer> shards, boolean contended, boolean more) {}

  /**
   * Locks free shards from {@code due[from..]}, a batch's worth of due events at a time: the
   * first group that any free shard answers is taken; when another replica holds a whole group,
   * the next one is tried.
   */
  private Uni<Locked> lockSome(SqlConnection tx, List<int[]> due, int from, boolean contended) {
    if (from >= due.size()) {
      return Uni.createFrom().item(new Locked(List.of(), contended, false));
    }
    List<Integer> group = new ArrayList<>();
    int events = 0;
    int next = from;
    while (next < due.size() && events < settings.batch()) {
      group.add(due.get(next)[0]);
      events += due.get(next)[1];
      next++;
    }
    int after = next;
    return tx.preparedQuery(lockShards)
        .execute(Tuple.of(group.toArray(Integer[]::new), settings.lockClass()))
        .chain(
            rows -> {
              List<Integer> locked = new ArrayList<>();
              rows.forEach(row -> locked.add(row.getInteger(0)));
              boolean someHeld = contended || locked.size() < group.size();
              return locked.isEmpty()
                  ? lockSome(tx, due, after, someHeld)
                  : Uni.createFrom().item(new Locked(locked, someHeld, after < due.size()));
            });
  }

  private Uni<Pass> takeAndPublish(SqlConnection tx, Locked locked) {
    return tx.preparedQuery(take)
        .execute(Tuple.of(settings.shards(), locked.shards().toArray(Integer[]::new), settings.batch()))
        .chain(
            rows -> {
              Map<String, List<OutboxRecord>> byKey = new LinkedHashMap<>();
              int taken = 0;
              for (Row row : rows) {
                OutboxRecord event = record(row);
                byKey.computeIfAbsent(event.orderingKey(), k -> new ArrayList<>()).add(event);
                taken++;
              }
              if (taken == 0) {
                return Uni.createFrom().item(new Pass(0, 0, locked.contended(), locked.more()));
              }
              int count = taken;
              Queue<UUID> done = new ConcurrentLinkedQueue<>();
              Queue<Failure> failed = new ConcurrentLinkedQueue<>();
              long stopStartingAt = System.nanoTime() + settings.passBudget().toNanos();
              return Multi.createFrom()
                  .iterable(byKey.values())
                  .onItem()
                  .transformToUni(events -> publishInOrder(events, done, failed, stopStartingAt))
                  .merge(settings.concurrency())
                  .collect()
                  .last()
                  .chain(() -> mark(tx, done, failed))
                  .map(n -> new Pass(count, n, locked.contended(), locked.more()));
            });
  }

  /** One key's events, one after another; the first failure stops the key for this pass. */
  private Uni<Void> publishInOrder(
      List<OutboxRecord> events, Queue<UUID> done, Queue<Failure> failed, long stopStartingAt) {
    AtomicBoolean stopped = new AtomicBoolean();
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (OutboxRecord event : events) {
      chain =
          chain.chain(
              () -> {
                if (stopped.get() || System.nanoTime() > stopStartingAt) {
                  return Uni.createFrom().voidItem();
                }
                return Uni.createFrom()
                    .deferred(() -> publisher.publish(event))
                    .ifNoItem()
                    .after(settings.publishTimeout())
                    .fail()
                    .invoke(() -> done.add(event.id()))
                    .onFailure()
                    .recoverWithItem(
                        e -> {
                          stopped.set(true);
                          failures.increment();
                          failed.add(new Failure(event.id(), describe(e)));
                          return null;
                        });
              });
    }
    return chain;
  }

  private Uni<Integer> mark(SqlConnection tx, Queue<UUID> done, Queue<Failure> failed) {
    Uni<Void> failures =
        failed.isEmpty()
            ? Uni.createFrom().voidItem()
            : tx.preparedQuery(markFailed)
                .executeBatch(
                    failed.stream().map(f -> Tuple.of(f.id(), f.error(), maxBackoffSeconds)).toList())
                .replaceWithVoid();
    if (done.isEmpty()) {
      return failures.replaceWith(0);
    }
    return failures
        .chain(() -> tx.preparedQuery(markPublished).execute(Tuple.of(done.toArray(UUID[]::new))))
        .invoke(() -> published.increment(done.size()))
        .replaceWith(done.size());
  }

  private static OutboxRecord record(Row row) {
    Instant at = row.getOffsetDateTime("occurred_at").toInstant();
    return new OutboxRecord(
        row.getUUID("id"),
        row.getString("type"),
        row.getUUID("user_id"),
        row.getString("partner_client_id"),
        row.getString("ordering_key"),
        row.getLong("sequence"),
        at,
        row.getString("data_json"),
        row.getInteger("attempts"));
  }

  /** The failure as stored in last_error: its kind and message, never more than 500 characters. */
  private static String describe(Throwable e) {
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    return text.length() > ERROR_TEXT_MAX ? text.substring(0, ERROR_TEXT_MAX) : text;
  }
}
