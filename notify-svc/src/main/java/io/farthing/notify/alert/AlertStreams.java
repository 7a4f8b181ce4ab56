package io.farthing.notify.alert;

import io.farthing.common.ApiException;
import io.farthing.notify.inbox.InboxRepository;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
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

  public AlertStreams(AlertHub hub, InboxRepository inbox, Pool pool, AlertsConfig config) {
    this.hub = hub;
    this.inbox = inbox;
    this.pool = pool;
    this.config = config.stream();
  }

  public Multi<UserAlert> stream(UUID userId, UUID afterId) {
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
