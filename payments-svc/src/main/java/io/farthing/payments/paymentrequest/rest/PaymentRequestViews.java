package io.farthing.payments.paymentrequest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.Timestamp;
import io.farthing.payments.paymentrequest.PaymentRequestService;
import io.farthing.payments.paymentrequest.PaymentRequestStatus;
import io.farthing.proto.type.v1.Money;
import java.time.Instant;

/** The JSON shapes of the payment-request REST calls. */
public final class PaymentRequestViews {
  private PaymentRequestViews() {}

  public record MoneyView(long amountMinor, String currency) {
    static MoneyView of(Money money) {
      return new MoneyView(money.getAmountMinor(), money.getCurrency());
    }
  }

  /** What the payer sees before paying. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PreviewView(
      String paymentRequestId,
      String merchantName,
      MoneyView amount,
      String description,
      String reference,
      String usage,
      String status,
      boolean payable,
      Instant expiresAt) {}

  /** The charge a payment made; REQUIRES_ACTION carries the challenge the user must answer. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PaymentView(
      String chargeId,
      String status,
      MoneyView amount,
      String description,
      String merchantName,
      String paymentRequestId,
      String challengeId,
      String failureReason,
      Instant createdAt) {}

  /** A request as its merchant sees it (the REST mirror of farthing.payments.v1.PaymentRequest). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PaymentRequestView(
      String paymentRequestId,
      MoneyView amount,
      String description,
      String reference,
      String usage,
      String status,
      Instant expiresAt,
      Instant createdAt,
      Instant cancelledAt,
      String payload,
      String url,
      String chargeId,
      long paymentCount) {}

  static PreviewView preview(PaymentRequestService.Preview p) {
    var r = p.request();
    return new PreviewView(
        r.id().toString(), p.merchantName(), new MoneyView(r.amountMinor(), r.currency()), r.description(),
        r.reference(), r.usage().name(), p.status().name(), p.status() == PaymentRequestStatus.OPEN, r.expiresAt());
  }

  static PaymentView payment(PaymentRequestService.Payment p) {
    var c = p.charge();
    return new PaymentView(
        c.getChargeId(),
        c.getStatus().name().substring("CHARGE_STATUS_".length()),
        MoneyView.of(c.getAmount()),
        c.getDescription(),
        p.merchantName(),
        p.request().id().toString(),
        c.getChallengeId().isEmpty() ? null : c.getChallengeId(),
        c.getFailureReason().isEmpty() ? null : c.getFailureReason(),
        instant(c.getCreatedAt()));
  }

  static PaymentRequestView request(io.farthing.proto.payments.v1.PaymentRequest r) {
    return new PaymentRequestView(
        r.getPaymentRequestId(),
        MoneyView.of(r.getAmount()),
        r.getDescription(),
        r.getReference().isEmpty() ? null : r.getReference(),
        r.getUsage().name().substring("PAYMENT_REQUEST_USAGE_".length()),
        r.getStatus().name().substring("PAYMENT_REQUEST_STATUS_".length()),
        instant(r.getExpiresAt()),
        instant(r.getCreatedAt()),
        r.hasCancelledAt() ? instant(r.getCancelledAt()) : null,
        r.getPayload(),
        r.getUrl(),
        r.getChargeId().isEmpty() ? null : r.getChargeId(),
        r.getPaymentCount());
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
