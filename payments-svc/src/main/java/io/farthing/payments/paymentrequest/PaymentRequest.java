package io.farthing.payments.paymentrequest;

import java.time.Instant;
import java.util.UUID;

/** A payment request as stored. Whether it was paid is not stored here: see {@link Payments}. */
public record PaymentRequest(
    UUID id,
    String partnerClientId,
    String currency,
    long amountMinor,
    String description,
    String reference,
    Usage usage,
    boolean cancelled,
    Instant expiresAt,
    Instant cancelledAt,
    Instant createdAt) {

  public enum Usage {
    SINGLE_USE,
    REUSABLE
  }

  public boolean singleUse() {
    return usage == Usage.SINGLE_USE;
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /**
   * The charges linked to a request that hold (or held) money or wait for step-up: how many,
   * and the latest one. Refused, expired and voided charges are not counted.
   */
  public record Payments(long count, UUID latestChargeId, String latestChargeStatus) {
    public static final Payments NONE = new Payments(0, null, null);

    public boolean awaitingStepUp() {
      return "REQUIRES_ACTION".equals(latestChargeStatus);
    }
  }
}
