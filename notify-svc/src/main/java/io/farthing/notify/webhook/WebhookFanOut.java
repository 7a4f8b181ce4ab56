package io.farthing.notify.webhook;

import io.farthing.notify.event.EventSink;
import io.farthing.notify.event.StoredEvent;
import io.farthing.notify.webhook.delivery.WebhookDispatcher;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Turns a partner's event into deliveries for its enabled, subscribed endpoints: a delivery row
 * per per-event endpoint, or the event added to a digest endpoint's collecting batch. Runs inside
 * the Publish transaction and does nothing network-bound; after commit the dispatcher is woken so
 * the delivery goes out at once rather than at its next scheduled pass.
 */
@ApplicationScoped
public class WebhookFanOut implements EventSink {
  private static final int DIGEST_TRIES = 3;

  private final EndpointStore endpoints;
  private final DeliveryStore deliveries;
  private final WebhookDispatcher dispatcher;
  private final WebhooksConfig config;

  public WebhookFanOut(
      EndpointStore endpoints, DeliveryStore deliveries, WebhookDispatcher dispatcher, WebhooksConfig config) {
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.dispatcher = dispatcher;
    this.config = config;
  }

  @Override
  public Uni<Void> accept(SqlConnection tx, StoredEvent event) {
    if (event.partnerClientId() == null) {
      return Uni.createFrom().voidItem();
    }
    return endpoints.subscribers(tx, event.partnerClientId(), event.type()).chain(targets -> fanOut(tx, event, targets));
  }

  private Uni<Void> fanOut(SqlConnection tx, StoredEvent event, List<Endpoint> targets) {
    List<UUID> perEvent = targets.stream().filter(e -> e.mode() == DeliveryMode.PER_EVENT).map(Endpoint::id).toList();
    List<Endpoint> digests = targets.stream().filter(e -> e.mode() == DeliveryMode.DIGEST).toList();
    Uni<Void> single = deliveries.addPerEvent(tx, perEvent, event.eventId(), event.orderingKey(), event.sequence());
    if (digests.isEmpty()) {
      return single;
    }
    return single.chain(
        () ->
            Multi.createFrom()
                .iterable(digests)
                .onItem()
                .transformToUniAndConcatenate(
                    e ->
                        deliveries.addToDigest(
                            tx, e.id(), e.digestWindowMs(), config.digest().maxEvents(), event.eventId(), DIGEST_TRIES))
                .collect()
                .last()
                .replaceWithVoid());
  }

  @Override
  public void committed(StoredEvent event) {
    if (event.partnerClientId() != null) {
      dispatcher.wake();
    }
  }
}
