package io.farthing.payments.outbox;

import io.farthing.common.Ids;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * An event for notify-svc (farthing.notify.v1.Event), written in the transaction of the change it
 * describes. {@code orderingKey} + {@code sequence} let notify-svc deliver one resource's events in
 * order (a charge's succeeded before its refunded).
 */
public record OutboxEvent(
    UUID id, String type, UUID userId, String partnerClientId, String orderingKey, long sequence, JsonObject data) {

  public static final String CHARGE_REQUIRES_ACTION = "charge.requires_action";
  public static final String CHARGE_AUTHORIZED = "charge.authorized";
  public static final String CHARGE_SUCCEEDED = "charge.succeeded";
  public static final String CHARGE_FAILED = "charge.failed";
  public static final String CHARGE_VOIDED = "charge.voided";
  public static final String CHARGE_EXPIRED = "charge.expired";
  public static final String CHARGE_REFUNDED = "charge.refunded";
  public static final String TOPUP_SUCCEEDED = "topup.succeeded";
  public static final String TOPUP_FAILED = "topup.failed";
  public static final String TRANSFER_SENT = "transfer.sent";
  public static final String TRANSFER_RECEIVED = "transfer.received";
  public static final String LIMIT_REACHED = "limit.reached";
  public static final String LIMIT_CHANGED = "limit.changed";

  public static OutboxEvent of(
      String type, UUID userId, String partnerClientId, String orderingKey, long sequence, JsonObject data) {
    return new OutboxEvent(Ids.newId(), type, userId, partnerClientId, orderingKey, sequence, data);
  }
}
