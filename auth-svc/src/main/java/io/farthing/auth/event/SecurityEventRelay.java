package io.farthing.auth.event;

import com.google.protobuf.Timestamp;
import io.farthing.auth.common.Scopes;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.common.outbox.OutboxRecord;
import io.farthing.common.outbox.OutboxRelay;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.MutinyNotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.grpc.Metadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * auth-svc's outbox relay: the shared {@link OutboxRelay} (see its comment for order, replicas
 * and crashes) on auth-svc's {@code outbox} table, publishing security alerts to notify-svc.
 *
 * <p>auth-svc is the token issuer, so it signs its own service token (subject {@code auth-svc},
 * scope {@code notify:publish}) rather than asking itself for one over HTTP. The token is
 * signed in the scheduled poll (a safe context for the signing key's database read) and reused
 * until a fifth of its life is left; a pass before the first token fails its events, which
 * back off and are retried like any other failure. Published rows carry an email address, so
 * they are deleted once older than {@code auth.outbox.keep-published}.
 */
@ApplicationScoped
public class SecurityEventRelay {
  private static final Logger LOG = Logger.getLogger(SecurityEventRelay.class);
  public static final String SERVICE_SUBJECT = "auth-svc";
  private static final int LOCK_CLASS = 0x0A0C;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private record Token(String value, Instant renewAt) {}

  private final OutboxRelay relay;
  private final Pool pool;
  private final MutinyNotifyGrpc.MutinyNotifyStub notify;
  private final TokenIssuer issuer;
  private final Duration publishTimeout;
  private final Duration keepPublished;
  private final boolean enabled;
  private final AtomicReference<Token> token = new AtomicReference<>();

  public SecurityEventRelay(
      Pool pool,
      @GrpcClient("notify") MutinyNotifyGrpc.MutinyNotifyStub notify,
      TokenIssuer issuer,
      MeterRegistry meters,
      AuthConfig config) {
    AuthConfig.Outbox outbox = config.outbox();
    this.pool = pool;
    this.notify = notify;
    this.issuer = issuer;
    this.publishTimeout = outbox.publishTimeout();
    this.keepPublished = outbox.keepPublished();
    this.enabled = outbox.relayEnabled();
    this.relay =
        new OutboxRelay(
            pool,
            new OutboxRelay.Settings(
                "outbox", "farthing.auth.outbox", LOCK_CLASS, outbox.shards(), outbox.batch(), outbox.concurrency(),
                outbox.publishTimeout(), outbox.passBudget(), outbox.maxBackoff(), Duration.ofMillis(200)),
            this::publish,
            meters,
            enabled);
  }

  @Scheduled(every = "${auth.outbox.interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, delayed = "1s")
  Uni<Void> poll() {
    if (!enabled) {
      return Uni.createFrom().voidItem();
    }
    return freshToken()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.debugf("No service token for notify-svc yet: %s", e.getClass().getSimpleName());
              return null;
            })
        .chain(relay::poll);
  }

  @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> purgePublished() {
    return pool.preparedQuery("delete from outbox where published_at < $1")
        .execute(Tuple.of(Instant.now().minus(keepPublished).atOffset(ZoneOffset.UTC)))
        .replaceWithVoid()
        .onFailure()
        .recoverWithNull();
  }

  /** Asks for a pass soon (after a commit that recorded alerts). */
  public void wake() {
    relay.wake();
  }

  /** One pass: how many events notify-svc accepted. */
  public Uni<Integer> drainOnce() {
    return freshToken().chain(relay::drainOnce);
  }

  private Uni<Void> freshToken() {
    Token current = token.get();
    if (current != null && Instant.now().isBefore(current.renewAt())) {
      return Uni.createFrom().voidItem();
    }
    return issuer
        .partnerAccessToken(SERVICE_SUBJECT, Set.of(Scopes.NOTIFY_PUBLISH))
        .invoke(
            issued -> {
              Duration life = Duration.between(Instant.now(), issued.expiresAt());
              token.set(new Token(issued.token(), issued.expiresAt().minus(life.dividedBy(5))));
            })
        .replaceWithVoid();
  }

  private Uni<Void> publish(OutboxRecord event) {
    Token current = token.get();
    if (current == null || Instant.now().isAfter(current.renewAt().plus(publishTimeout))) {
      return Uni.createFrom().failure(new IllegalStateException("no service token for notify-svc yet"));
    }
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + current.value());
    return GrpcClientUtils.attachHeaders(notify, headers)
        .withDeadlineAfter(publishTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .publish(PublishRequest.newBuilder().setEvent(event(event)).build())
        .replaceWithVoid();
  }

  static Event event(OutboxRecord r) {
    return Event.newBuilder()
        .setEventId(r.id().toString())
        .setType(r.type())
        .setUserId(r.userId().toString())
        .setOrderingKey(r.orderingKey())
        .setSequence(r.sequence())
        .setOccurredAt(Timestamp.newBuilder().setSeconds(r.occurredAt().getEpochSecond()).setNanos(r.occurredAt().getNano()))
        .setDataJson(r.dataJson())
        .build();
  }
}
