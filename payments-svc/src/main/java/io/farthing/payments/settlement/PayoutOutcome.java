package io.farthing.payments.settlement;

/** What a payout gateway answered. */
public sealed interface PayoutOutcome {
  /** The money left the platform; {@code gatewayReference} is the gateway's id for the transfer. */
  record Paid(String gatewayReference) implements PayoutOutcome {}

  /** Not paid, with a stable reason (ACCOUNT_CLOSED, GATEWAY_TIMEOUT, ...): try again later. */
  record Failed(String reason) implements PayoutOutcome {}
}
