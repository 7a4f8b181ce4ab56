package io.farthing.payments.paymentrequest;

import java.time.Instant;

/**
 * What a request looks like to its merchant and payers, derived in this one place from its stored
 * state (OPEN or CANCELLED), its expiry and the charges linked to it.
 *
 * <pre>
 *   single use:  live charge SUCCEEDED/REFUNDED/… → PAID;  live charge REQUIRES_ACTION → PENDING
 *   then:        cancelled → CANCELLED;  past expires_at → EXPIRED;  otherwise OPEN
 * </pre>
 *
 * Money wins: a single-use request a payment reached just before its cancel or expiry shows PAID.
 */
public enum PaymentRequestStatus {
  OPEN,
  PENDING,
  PAID,
  CANCELLED,
  EXPIRED;

  public static PaymentRequestStatus of(PaymentRequest request, PaymentRequest.Payments payments, Instant now) {
    if (request.singleUse() && payments.count() > 0) {
      return payments.awaitingStepUp() ? PENDING : PAID;
    }
    if (request.cancelled()) {
      return CANCELLED;
    }
    if (request.expiredAt(now)) {
      return EXPIRED;
    }
    return OPEN;
  }
}
