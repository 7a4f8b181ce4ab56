package io.farthing.notify.event;

import java.util.Set;

/**
 * The event types notify-svc accepts: what payments-svc's outbox and auth-svc's security events
 * publish. An unknown type is refused (UNKNOWN_EVENT_TYPE) rather than stored and never shown.
 */
public final class EventTypes {
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
  /** A sign-in from a device the user had not used before. */
  public static final String SECURITY_NEW_DEVICE = "security.new_device";
  /** The account was locked after too many failed attempts. */
  public static final String SECURITY_LOCKED_OUT = "security.locked_out";
  /** A step-up challenge was answered wrongly. */
  public static final String SECURITY_STEP_UP_FAILED = "security.step_up_failed";
  /** notify-svc's own: a partner's webhook endpoint was disabled after failing persistently. */
  public static final String WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled";

  public static final Set<String> ALL =
      Set.of(
          CHARGE_REQUIRES_ACTION, CHARGE_AUTHORIZED, CHARGE_SUCCEEDED, CHARGE_FAILED, CHARGE_VOIDED, CHARGE_EXPIRED,
          CHARGE_REFUNDED, TOPUP_SUCCEEDED, TOPUP_FAILED, TRANSFER_SENT, TRANSFER_RECEIVED, LIMIT_REACHED,
          LIMIT_CHANGED, SECURITY_NEW_DEVICE, SECURITY_LOCKED_OUT, SECURITY_STEP_UP_FAILED, WEBHOOK_ENDPOINT_DISABLED);

  private EventTypes() {}

  public static boolean known(String type) {
    return ALL.contains(type);
  }

  /** Security alerts are always sent: preferences and quiet hours never hold them back. */
  public static boolean isSecurity(String type) {
    return type.startsWith("security.");
  }
}
