package io.farthing.payments.paymentrequest;

import io.farthing.payments.charge.ChargeMessages;
import io.farthing.proto.payments.v1.PaymentRequestUsage;

/** Payment requests as the partner contract (farthing.payments.v1.PaymentRequest) shows them. */
public final class PaymentRequestMessages {
  private PaymentRequestMessages() {}

  public static io.farthing.proto.payments.v1.PaymentRequest message(
      PaymentRequest r, PaymentRequest.Payments payments, PaymentRequestStatus status, String payload, String url) {
    var builder =
        io.farthing.proto.payments.v1.PaymentRequest.newBuilder()
            .setPaymentRequestId(r.id().toString())
            .setPartnerClientId(r.partnerClientId())
            .setAmount(ChargeMessages.money(r.amountMinor(), r.currency()))
            .setDescription(r.description())
            .setUsage(usage(r.usage()))
            .setStatus(status(status))
            .setExpiresAt(ChargeMessages.timestamp(r.expiresAt()))
            .setCreatedAt(ChargeMessages.timestamp(r.createdAt()))
            .setPayload(payload)
            .setUrl(url)
            .setPaymentCount(payments.count());
    if (r.reference() != null) {
      builder.setReference(r.reference());
    }
    if (r.cancelledAt() != null) {
      builder.setCancelledAt(ChargeMessages.timestamp(r.cancelledAt()));
    }
    if (payments.latestChargeId() != null) {
      builder.setChargeId(payments.latestChargeId().toString());
    }
    return builder.build();
  }

  public static PaymentRequestUsage usage(PaymentRequest.Usage usage) {
    return usage == PaymentRequest.Usage.REUSABLE
        ? PaymentRequestUsage.PAYMENT_REQUEST_USAGE_REUSABLE
        : PaymentRequestUsage.PAYMENT_REQUEST_USAGE_SINGLE_USE;
  }

  public static io.farthing.proto.payments.v1.PaymentRequestStatus status(PaymentRequestStatus status) {
    return io.farthing.proto.payments.v1.PaymentRequestStatus.valueOf("PAYMENT_REQUEST_STATUS_" + status.name());
  }
}
