package io.farthing.common.events;

/**
 * The names of the events the services publish to notify-svc ({@code farthing.notify.v1.Event.type}):
 * one vocabulary for the publishers (payments-svc's and auth-svc's outboxes) and notify-svc, which
 * refuses any other name. Add a name here, never rename one (partners subscribe to them).
 */
public interface EventNames {
  String CHARGE_REQUIRES_ACTION = "charge.requires_action";
  String CHARGE_AUTHORIZED = "charge.authorized";
  String CHARGE_SUCCEEDED = "charge.succeeded";
  String CHARGE_FAILED = "charge.failed";
  String CHARGE_VOIDED = "charge.voided";
  String CHARGE_EXPIRED = "charge.expired";
  String CHARGE_REFUNDED = "charge.refunded";
  String TOPUP_SUCCEEDED = "topup.succeeded";
  String TOPUP_FAILED = "topup.failed";
  String TRANSFER_SENT = "transfer.sent";
  String TRANSFER_RECEIVED = "transfer.received";
  String LIMIT_REACHED = "limit.reached";
  String LIMIT_CHANGED = "limit.changed";
  /** A sign-in from a device the user had not used before. */
  String SECURITY_NEW_DEVICE = "security.new_device";
  /** The account was locked after too many failed attempts. */
  String SECURITY_LOCKED_OUT = "security.locked_out";
  /** A step-up challenge was answered wrongly. */
  String SECURITY_STEP_UP_FAILED = "security.step_up_failed";

  // Settlement windows and payouts (issue 8): partner-only events (no user_id), for webhooks.
  /** A merchant's settlement window closed: its net, payout (or carried amount) and line count. */
  String SETTLEMENT_CLOSED = "settlement.closed";
  /** A closed window's payout was made: the money left the platform. */
  String PAYOUT_SETTLED = "payout.settled";
  /** A closed window's payout failed (first failure); it is retried. */
  String PAYOUT_FAILED = "payout.failed";

  // Loyalty (payments-svc): points turned into wallet credit. Earning is not an event: a
  // micro-charge earns a fraction of a point, and an alert for each would be noise.
  String LOYALTY_REDEEMED = "loyalty.redeemed";

  // Micro-tabs (payments-svc io.farthing.payments.tab): opened with its cap held, settled to the
  // merchant as one charge, closed with the unused hold released.
  String TAB_OPENED = "tab.opened";
  String TAB_SETTLED = "tab.settled";
  String TAB_CLOSED = "tab.closed";

  // Allowances (recurring consent), issue 8.
  /** A user granted or changed a partner's allowance (auth-svc). */
  String ALLOWANCE_GRANTED = "allowance.granted";
  /** A user revoked a consent that carried an allowance, or removed its allowance (auth-svc). */
  String ALLOWANCE_REVOKED = "allowance.revoked";
  /** A charge used the rest of an allowance's current period (payments-svc). */
  String ALLOWANCE_EXHAUSTED = "allowance.exhausted";

  // Disputes (payments-svc io.farthing.payments.dispute), issue 8. Each carries the dispute's whole
  // state (status, amount, refunded, resolution); to the user as alerts, to the partner as webhooks.
  /** A user disputed a charge; the merchant has until evidenceDueAt to answer. */
  String DISPUTE_OPENED = "dispute.opened";
  /** The merchant sent evidence; the dispute is under review. */
  String DISPUTE_UPDATED = "dispute.updated";
  /** Decided: WON (the merchant keeps the money) or LOST (refundedMinor back to the user). */
  String DISPUTE_RESOLVED = "dispute.resolved";
}
