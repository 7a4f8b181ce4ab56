package io.farthing.notify.event;

import io.farthing.common.events.EventNames;
import java.util.Set;

/**
 * The event types notify-svc accepts: the publishers' {@link EventNames} (payments-svc's outbox,
 * auth-svc's security events) and notify-svc's own. An unknown type is refused
 * (UNKNOWN_EVENT_TYPE) rather than stored and never shown.
 */
public final class EventTypes implements EventNames {
  /** notify-svc's own: a partner's webhook endpoint was disabled after failing persistently. */
  public static final String WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled";

  public static final Set<String> ALL =
      Set.of(
          CHARGE_REQUIRES_ACTION, CHARGE_AUTHORIZED, CHARGE_SUCCEEDED, CHARGE_FAILED, CHARGE_VOIDED, CHARGE_EXPIRED,
          CHARGE_REFUNDED, TOPUP_SUCCEEDED, TOPUP_FAILED, TRANSFER_SENT, TRANSFER_RECEIVED, LIMIT_REACHED,
          LIMIT_CHANGED, SECURITY_NEW_DEVICE, SECURITY_LOCKED_OUT, SECURITY_STEP_UP_FAILED, WEBHOOK_ENDPOINT_DISABLED,
          // settlement (issue 8): partner-only, delivered as webhooks
          SETTLEMENT_CLOSED, PAYOUT_SETTLED, PAYOUT_FAILED,
          LOYALTY_REDEEMED,
          TAB_OPENED, TAB_SETTLED, TAB_CLOSED,
          // Allowances (issue 8)
          ALLOWANCE_GRANTED, ALLOWANCE_REVOKED, ALLOWANCE_EXHAUSTED,
          // Disputes (issue 8)
          DISPUTE_OPENED, DISPUTE_UPDATED, DISPUTE_RESOLVED);

  private EventTypes() {}

  public static boolean known(String type) {
    return ALL.contains(type);
  }

  /** Security alerts are always sent: preferences and quiet hours never hold them back. */
  public static boolean isSecurity(String type) {
    return type.startsWith("security.");
  }
}
