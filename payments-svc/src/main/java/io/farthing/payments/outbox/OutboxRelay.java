package io.farthing.payments.outbox;

import com.google.protobuf.Timestamp;
import io.farthing.common.outbox.OutboxRecord;
import io.farthing.payments.client.ServiceTokens;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.MutinyNotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.farthing.payments.config.PaymentsConfig;

/**
 * payments-svc's outbox relay: the shared {@link io.farthing.common.outbox.OutboxRelay} (shards
 * under advisory locks, per-key order, bounded concurrency; see its comment) on the
 * {@code outbox} table, publishing to notify-svc with this service's client-credentials token.
 *
 * <p><b>Data.</b> Events carry {@code data_json}, the stored jsonb as text, so amounts arrive as
 * exact integers; the old {@code data} Struct is no longer filled: it carries numbers as
 * doubles, notify-svc (its only reader) reads {@code data_json} first, and filling both would
 * invite someone to read money from the lossy one.
 *
 * <p><b>Order per wallet.</b> A charge's events are ordered by their key {@code charge:<id>}
 * (authorized → succeeded → refunded, as partners' webhooks need), top-ups by
 * {@code topup:<id>}, a transfer's two sides by {@code transfer:<id>}, a user's limit events by
 * {@code user:<id>}. Events of different charges of one wallet are not ordered among
 * themselves, on purpose: one user's payments are independent facts, each event carries the
 * charge's whole state (status and every amount, not a delta), and notify-svc shows them by
 * {@code occurred_at}; a single key per wallet would instead make one event that notify-svc
 * cannot take (a bad payload, a timeout) hold back every later alert of that user, and would
 * funnel a busy wallet's alerts through one publisher at a time. Nothing a user sees depends on
 * two charges' events arriving in commit order.
 *
 * <p><b>Latency.</b> {@link Outbox#append} asks for a pass when its transaction commits
 * ({@link #wake()}), so an event usually reaches notify-svc within milliseconds of the commit on
 * the replica that wrote it; the poll ({@code payments.outbox.interval}) picks up the rest.
 */
@ApplicationScoped
public class OutboxRelay {
  /** Advisory lock class of the outbox shards (locks are per database; any constant works). */
  private static final int LOCK_CLASS = 0x0B0C;

  private final io.farthing.common.outbox.OutboxRelay relay;
  private final MutinyNotifyGrpc.MutinyNotifyStub notify;
  private final ServiceTokens tokens;
  private final Duration publishTimeout;

  public OutboxRelay(
      Pool pool,
      @GrpcClient("notify") MutinyNotifyGrpc.MutinyNotifyStub notify,
      ServiceTokens tokens,
      MeterRegistry meters,
      PaymentsConfig config) {
    PaymentsConfig.Outbox outbox = config.outbox();
    this.notify = notify;
    this.tokens = tokens;
    this.publishTimeout = outbox.publishTimeout();
    this.relay =
        new io.farthing.common.outbox.OutboxRelay(
            pool,
            new io.farthing.common.outbox.OutboxRelay.Settings(
                "outbox", "farthing.payments.outbox", LOCK_CLASS, outbox.shards(), outbox.batch(), outbox.concurrency(),
                outbox.publishTimeout(), outbox.passBudget(), outbox.maxBackoff(), Duration.ofMillis(200)),
            this::publish,
            meters,
            outbox.relayEnabled());
  }

  @Scheduled(every = "${payments.outbox.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "2s")
  Uni<Void> poll() {
    return relay.poll();
  }

  /** Asks for a pass soon (after a commit that appended events). */
  public void wake() {
    relay.wake();
  }

  /** One pass: returns how many events notify-svc accepted. */
  public Uni<Integer> drainOnce() {
    return relay.drainOnce();
  }

  private Uni<Void> publish(OutboxRecord event) {
    return tokens
        .authorize(notify)
        .chain(
            authed ->
                authed
                    .withDeadlineAfter(publishTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .publish(PublishRequest.newBuilder().setEvent(event(event)).build()))
        .onFailure(OutboxRelay::unauthenticated)
        .invoke(tokens::invalidate)
        .replaceWithVoid();
  }

  private static boolean unauthenticated(Throwable e) {
    return e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAUTHENTICATED;
  }

  static Event event(OutboxRecord r) {
    Event.Builder event =
        Event.newBuilder()
            .setEventId(r.id().toString())
            .setType(r.type())
            .setOrderingKey(r.orderingKey())
            .setSequence(r.sequence())
            .setOccurredAt(Timestamp.newBuilder().setSeconds(r.occurredAt().getEpochSecond()).setNanos(r.occurredAt().getNano()))
            .setDataJson(r.dataJson());
    if (r.userId() != null) {
      event.setUserId(r.userId().toString());
    }
    if (r.partnerClientId() != null) {
      event.setPartnerClientId(r.partnerClientId());
    }
    return event.build();
  }
}
