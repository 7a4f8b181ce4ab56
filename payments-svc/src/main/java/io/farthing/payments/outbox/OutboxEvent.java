package io.farthing.payments.outbox;

import io.farthing.common.Ids;
import io.farthing.common.events.EventNames;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * An event for notify-svc (farthing.notify.v1.Event), written in the transaction of the change it
 * describes. {@code orderingKey} + {@code sequence} let notify-svc deliver one resource's events in
 * order (a charge's succeeded before its refunded). Its type is one of the shared {@link
 * EventNames} (reachable here as {@code OutboxEvent.CHARGE_SUCCEEDED} and so on).
 */
public record OutboxEvent(
    UUID id, String type, UUID userId, String partnerClientId, String orderingKey, long sequence, JsonObject data)
    implements EventNames {

  public static OutboxEvent of(
      String type, UUID userId, String partnerClientId, String orderingKey, long sequence, JsonObject data) {
    return new OutboxEvent(Ids.newId(), type, userId, partnerClientId, orderingKey, sequence, data);
  }
}
