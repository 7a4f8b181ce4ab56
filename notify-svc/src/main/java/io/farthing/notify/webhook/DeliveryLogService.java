package io.farthing.notify.webhook;

import io.farthing.common.ApiException;
import io.farthing.notify.webhook.delivery.WebhookDispatcher;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * The delivery log, the dead-letter list and replays, for partners (own endpoints only) and for
 * operators (any partner). A replay starts a new cycle of attempts; the log keeps the old ones.
 */
@ApplicationScoped
public class DeliveryLogService {
  private final Pool pool;
  private final EndpointStore endpoints;
  private final DeliveryStore deliveries;
  private final WebhookDispatcher dispatcher;

  public DeliveryLogService(Pool pool, EndpointStore endpoints, DeliveryStore deliveries, WebhookDispatcher dispatcher) {
    this.pool = pool;
    this.endpoints = endpoints;
    this.deliveries = deliveries;
    this.dispatcher = dispatcher;
  }

  public Uni<List<Delivery>> list(String partner, UUID endpointId, Delivery.Status status, UUID before, int limit) {
    return endpoints
        .find(pool, partner, endpointId)
        .map(EndpointService::found)
        .chain(() -> deliveries.list(pool, endpointId, status, before, limit));
  }

  /** The partner's view: its own delivery, or DELIVERY_NOT_FOUND. */
  public Uni<Delivery> replay(String partner, UUID deliveryId) {
    return replay(deliveryId, partner, partner);
  }

  /** An operator's replay of any partner's delivery. */
  public Uni<Delivery> replayAsOperator(UUID deliveryId, String operator) {
    return replay(deliveryId, null, "operator:" + operator);
  }

  private Uni<Delivery> replay(UUID deliveryId, String partner, String by) {
    return pool.withTransaction(
            tx ->
                deliveries
                    .lockForReplay(tx, deliveryId)
                    .chain(
                        row -> {
                          requireReplayable(row, partner);
                          return deliveries.replay(tx, deliveryId, by);
                        })
                    .chain(() -> deliveries.find(tx, deliveryId)))
        .invoke(dispatcher::wake);
  }

  private static void requireReplayable(Row row, String partner) {
    if (row == null || (partner != null && !partner.equals(row.getString("partner_client_id")))) {
      throw ApiException.notFound("No such webhook delivery", "DELIVERY_NOT_FOUND");
    }
    String status = row.getString("status");
    if (status.equals("PENDING") || status.equals("COLLECTING")) {
      throw ApiException.precondition("The delivery is still being attempted", "DELIVERY_PENDING");
    }
    if (!row.getBoolean("enabled")) {
      throw ApiException.precondition("Enable the endpoint before replaying its deliveries", "ENDPOINT_DISABLED");
    }
  }

  /** Every parked delivery of the partner's endpoint, queued again. */
  public Uni<Integer> replayParked(String partner, UUID endpointId) {
    return pool.withTransaction(
            tx ->
                lockEndpoint(tx, endpointId, partner)
                    .chain(
                        enabled -> {
                          if (!enabled) {
                            throw ApiException.precondition(
                                "Enable the endpoint before replaying its deliveries", "ENDPOINT_DISABLED");
                          }
                          return deliveries.replayParked(tx, endpointId, partner);
                        }))
        .invoke(dispatcher::wake);
  }

  /** Operators: parked deliveries across partners (or one partner's), oldest first. */
  public Uni<List<Delivery>> parked(String partner, UUID after, int limit) {
    return deliveries.parked(pool, partner, after, limit);
  }

  /** What an operator's replay of a partner's dead letters did. */
  public record PartnerReplay(int replayed, int skippedDisabledEndpoints) {}

  /** Operators: every parked delivery of every enabled endpoint of the partner, queued again. */
  public Uni<PartnerReplay> replayPartner(String partner, String operator) {
    return pool.withTransaction(
            tx ->
                tx.preparedQuery(
                        "select id, enabled from webhook_endpoints where partner_client_id = $1 order by id for update")
                    .execute(Tuple.of(partner))
                    .chain(
                        rows -> {
                          List<UUID> enabled = new java.util.ArrayList<>();
                          int[] skipped = {0};
                          rows.forEach(
                              r -> {
                                if (r.getBoolean("enabled")) {
                                  enabled.add(r.getUUID("id"));
                                } else {
                                  skipped[0]++;
                                }
                              });
                          return io.smallrye.mutiny.Multi.createFrom()
                              .iterable(enabled)
                              .onItem()
                              .transformToUniAndConcatenate(id -> deliveries.replayParked(tx, id, "operator:" + operator))
                              .collect()
                              .with(java.util.stream.Collectors.summingInt(Integer::intValue))
                              .map(total -> new PartnerReplay(total, skipped[0]));
                        }))
        .invoke(dispatcher::wake);
  }

  private Uni<Boolean> lockEndpoint(SqlConnection tx, UUID endpointId, String partner) {
    return tx.preparedQuery("select enabled from webhook_endpoints where id = $1 and partner_client_id = $2 for update")
        .execute(Tuple.of(endpointId, partner))
        .map(
            rows -> {
              if (!rows.iterator().hasNext()) {
                throw EndpointService.notFound();
              }
              return rows.iterator().next().getBoolean("enabled");
            });
  }
}
