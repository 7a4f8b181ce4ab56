package io.farthing.payments.outbox;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.farthing.payments.client.ServiceTokens;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.MutinyNotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Money rule 5's second half: drains the outbox to notify-svc ({@code Notify.Publish}, idempotent
 * by event id), at least once. Each replica takes a batch with {@code FOR UPDATE SKIP LOCKED}, so
 * replicas share the work and an event is in one replica's hands at a time; an event that fails
 * is retried with exponential backoff (capped), and never dropped. Events with the same ordering
 * key are published in sequence order within a batch, and a key whose earlier event is still
 * pending waits for it.
 */
@ApplicationScoped
public class OutboxRelay {
  private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
  /**
   * The oldest pending event of each ordering key that is due: a later event of a key never
   * overtakes an earlier one that is still failing.
   */
  private static final String TAKE =
      """
      select o.id, o.type, o.user_id, o.partner_client_id, o.ordering_key, o.sequence, o.occurred_at, o.data, o.attempts
        from outbox o
       where o.published_at is null and o.next_attempt_at <= now()
         and not exists (select 1 from outbox earlier where earlier.ordering_key = o.ordering_key
                          and earlier.published_at is null and earlier.seq < o.seq)
       order by o.seq
       limit $1
       for update skip locked
      """;
  private static final String PUBLISHED = "update outbox set published_at = now(), attempts = attempts + 1 where id = any($1)";
  private static final String FAILED =
      "update outbox set attempts = attempts + 1, last_error = $2,"
          + " next_attempt_at = now() + least(interval '5 minutes', interval '1 second' * power(2, least(attempts, 12)))"
          + " where id = $1";

  private final Pool pool;
  private final MutinyNotifyGrpc.MutinyNotifyStub notify;
  private final ServiceTokens tokens;
  private final boolean enabled;
  private final int batch;
  private final Counter published;
  private final Counter failures;
  private final AtomicLong pending = new AtomicLong();

  public OutboxRelay(
      Pool pool,
      @GrpcClient("notify") MutinyNotifyGrpc.MutinyNotifyStub notify,
      ServiceTokens tokens,
      MeterRegistry meters,
      @ConfigProperty(name = "payments.outbox.relay-enabled", defaultValue = "true") boolean enabled,
      @ConfigProperty(name = "payments.outbox.batch", defaultValue = "100") int batch) {
    this.pool = pool;
    this.notify = notify;
    this.tokens = tokens;
    this.enabled = enabled;
    this.batch = batch;
    this.published = Counter.builder("farthing.payments.outbox.published").register(meters);
    this.failures = Counter.builder("farthing.payments.outbox.failures").register(meters);
    Gauge.builder("farthing.payments.outbox.pending", pending, AtomicLong::get)
        .description("Events not yet accepted by notify-svc (as of the last relay pass)")
        .register(meters);
  }

  @Scheduled(every = "${payments.outbox.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "2s")
  Uni<Void> relay() {
    if (!enabled) {
      return Uni.createFrom().voidItem();
    }
    return drainOnce()
        .chain(() -> pool.query("select count(*) from outbox where published_at is null").execute())
        .invoke(rows -> pending.set(rows.iterator().next().getLong(0)))
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.debugf("Outbox relay pass failed: %s", e.getClass().getSimpleName());
              return null;
            });
  }

  /** One batch: taken under lock, published, marked; returns how many notify-svc accepted. */
  public Uni<Integer> drainOnce() {
    return pool.withTransaction(
        tx ->
            tx.preparedQuery(TAKE)
                .execute(Tuple.of(batch))
                .chain(
                    rows -> {
                      List<Row> events = new ArrayList<>();
                      rows.forEach(events::add);
                      if (events.isEmpty()) {
                        return Uni.createFrom().item(0);
                      }
                      return tokens.authorize(notify).chain(authed -> publishAll(tx, events, authed));
                    }));
  }

  private Uni<Integer> publishAll(SqlConnection tx, List<Row> events, MutinyNotifyGrpc.MutinyNotifyStub authed) {
    List<UUID> done = new ArrayList<>();
    return Multi.createFrom()
        .iterable(events)
        .onItem()
        .transformToUniAndConcatenate(
            row ->
                authed
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .publish(PublishRequest.newBuilder().setEvent(event(row)).build())
                    .invoke(() -> done.add(row.getUUID("id")))
                    .replaceWithVoid()
                    .onFailure()
                    .recoverWithUni(
                        e -> {
                          failures.increment();
                          String error = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage());
                          return tx.preparedQuery(FAILED)
                              .execute(Tuple.of(row.getUUID("id"), error.substring(0, Math.min(500, error.length()))))
                              .replaceWithVoid();
                        }))
        .collect()
        .asList()
        .chain(
            ignored ->
                done.isEmpty()
                    ? Uni.createFrom().item(0)
                    : tx.preparedQuery(PUBLISHED)
                        .execute(Tuple.of(done.toArray(UUID[]::new)))
                        .invoke(() -> published.increment(done.size()))
                        .replaceWith(done.size()));
  }

  static Event event(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("occurred_at");
    Event.Builder event =
        Event.newBuilder()
            .setEventId(row.getUUID("id").toString())
            .setType(row.getString("type"))
            .setOrderingKey(row.getString("ordering_key"))
            .setSequence(row.getLong("sequence"))
            .setOccurredAt(Timestamp.newBuilder().setSeconds(at.toEpochSecond()).setNanos(at.getNano()))
            .setData(struct((JsonObject) row.getValue("data")));
    UUID user = row.getUUID("user_id");
    if (user != null) {
      event.setUserId(user.toString());
    }
    String partner = row.getString("partner_client_id");
    if (partner != null) {
      event.setPartnerClientId(partner);
    }
    return event.build();
  }

  private static Struct struct(JsonObject data) {
    Struct.Builder struct = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(data.encode(), struct);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("an outbox event's data is not a JSON object", e);
    }
    return struct.build();
  }
}
