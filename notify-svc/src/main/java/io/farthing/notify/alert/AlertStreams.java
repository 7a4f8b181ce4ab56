package io.farthing.notify.alert;

import io.farthing.common.ApiException;
import io.farthing.notify.inbox.InboxRepository;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user's alert stream (SSE and gRPC share it): registered for live alerts first, then the
 * inbox's alerts after {@code afterId} are replayed oldest first, then whatever arrived meanwhile
 * (each alert once), then live alerts as they are committed on any replica.
 */
@ApplicationScoped
public class AlertStreams {
  private final AlertHub hub;
  private final InboxRepository inbox;
  private final Pool pool;
  private final AlertsConfig.Stream config;
  private final Vertx vertx;

  public AlertStreams(AlertHub hub, InboxRepository inbox, Pool pool, AlertsConfig config, Vertx vertx) {
    this.vertx = vertx;
    this.hub = hub;
    this.inbox = inbox;
    this.pool = pool;
    this.config = config.stream();
  }

  /** The stream, live until {@code until} (the caller's token expiry), then complete. */
  public Multi<UserAlert> stream(UUID userId, UUID afterId, Instant until) {
    Duration left = Duration.between(Instant.now(), until);
    if (left.isNegative() || left.isZero()) {
      return Multi.createFrom().empty();
    }
    // A token is checked once, when the stream opens: the stream ends when it expires, and the
    // client reconnects with a fresh token and Last-Event-ID (nothing is missed).
    return stream(userId, afterId, left);
  }

  /** A stream without an end of its own (for callers that bound it themselves). */
  public Multi<UserAlert> stream(UUID userId, UUID afterId) {
    return stream(userId, afterId, (Duration) null);
  }

  private Multi<UserAlert> stream(UUID userId, UUID afterId, Duration lifetime) {
    return Multi.createFrom()
            .emitter(
                emitter -> {
                  AlertHub.Subscriber subscriber;
                  try {
                    subscriber = hub.register(userId, emitter);
                  } catch (ApiException refused) {
                    emitter.fail(refused);
                    return;
                  }
                  if (lifetime != null) {
                    long timer = vertx.setTimer(Math.max(1, lifetime.toMillis()), id -> subscriber.end());
                    subscriber.whenEnded(() -> vertx.cancelTimer(timer));
                  }
                  if (afterId == null) {
                    subscriber.live(List.of());
                    return;
                  }
                  inbox
                      .after(pool, userId, afterId, config.replayMax())
                      .subscribe()
                      .with(subscriber::live, emitter::fail);
                });
  }
}
