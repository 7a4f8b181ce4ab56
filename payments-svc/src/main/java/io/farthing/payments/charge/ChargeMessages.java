package io.farthing.payments.charge;

import com.google.protobuf.Timestamp;
import io.farthing.proto.payments.v1.ChargeStatus;
import io.farthing.proto.type.v1.Money;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Charges and refunds as the partner contract (farthing.payments.v1) and outbox events show them. */
public final class ChargeMessages {
  private ChargeMessages() {}

  public static io.farthing.proto.payments.v1.Charge charge(Charge c) {
    var builder =
        io.farthing.proto.payments.v1.Charge.newBuilder()
            .setChargeId(c.id().toString())
            .setUserId(c.userId().toString())
            .setPartnerClientId(c.partnerClientId())
            .setAmount(money(c.amountMinor(), c.currency()))
            .setCaptured(money(c.capturedMinor(), c.currency()))
            .setRefunded(money(c.refundedMinor(), c.currency()))
            .setFee(money(c.feeMinor() - c.feeRefundedMinor(), c.currency()))
            .setNet(money(c.netMinor(), c.currency()))
            .setStatus(status(c.status()))
            .setDescription(c.description())
            .putAllMetadata(c.metadata())
            .setCaptureLater(c.captureLater())
            .setFinalSale(c.finalSale())
            .setCreatedAt(timestamp(c.createdAt()))
            .setUpdatedAt(timestamp(c.updatedAt()));
    if (c.challengeId() != null && c.status() == io.farthing.payments.charge.ChargeStatus.REQUIRES_ACTION) {
      builder.setChallengeId(c.challengeId());
    }
    if (c.failureReason() != null) {
      builder.setFailureReason(c.failureReason());
    }
    if (c.holdExpiresAt() != null) {
      builder.setHoldExpiresAt(timestamp(c.holdExpiresAt()));
    }
    if (c.decisionId() != null) {
      builder.setRiskDecisionId(c.decisionId());
    }
    if (c.consentId() != null) {
      builder.setConsentId(c.consentId());
    }
    if (c.status() == io.farthing.payments.charge.ChargeStatus.AUTHORIZED) {
      builder.setAuthorized(money(c.authorizedMinor(), c.currency()));
    }
    return builder.build();
  }

  public static io.farthing.proto.payments.v1.Refund refund(Refund r) {
    return io.farthing.proto.payments.v1.Refund.newBuilder()
        .setRefundId(r.id().toString())
        .setChargeId(r.chargeId().toString())
        .setAmount(money(r.amountMinor(), r.currency()))
        .setFeeReturned(money(r.feeReturnedMinor(), r.currency()))
        .setReason(r.reason())
        .setCreatedAt(timestamp(r.createdAt()))
        .build();
  }

  /**
   * The data of a charge event: what a receipt, an alert or a webhook shows, with the merchant's
   * display name and what is left of the user's daily cap after this charge; a null leaves its
   * field out (no cap set, or not known at this transition).
   */
  public static JsonObject event(Charge c, String merchantName, Long dailyCapRemainingMinor) {
    JsonObject data =
        new JsonObject()
            .put("chargeId", c.id().toString())
            .put("userId", c.userId().toString())
            .put("partnerClientId", c.partnerClientId())
            .put("status", c.status().name())
            .put("currency", c.currency())
            .put("amountMinor", c.amountMinor())
            .put("capturedMinor", c.capturedMinor())
            .put("refundedMinor", c.refundedMinor())
            .put("feeMinor", c.feeMinor() - c.feeRefundedMinor())
            .put("netMinor", c.netMinor())
            .put("description", c.description());
    if (c.failureReason() != null) {
      data.put("failureReason", c.failureReason());
    }
    if (c.challengeId() != null) {
      data.put("challengeId", c.challengeId());
    }
    if (merchantName != null) {
      data.put("merchantName", merchantName);
    }
    if (dailyCapRemainingMinor != null) {
      data.put("dailyCapRemainingMinor", dailyCapRemainingMinor);
    }
    return data;
  }

  public static ChargeStatus status(io.farthing.payments.charge.ChargeStatus status) {
    return ChargeStatus.valueOf("CHARGE_STATUS_" + status.name());
  }

  /** The domain status for a filter; null for UNSPECIFIED (no filter). */
  public static io.farthing.payments.charge.ChargeStatus status(ChargeStatus status) {
    if (status == ChargeStatus.CHARGE_STATUS_UNSPECIFIED || status == ChargeStatus.UNRECOGNIZED) {
      return null;
    }
    return io.farthing.payments.charge.ChargeStatus.valueOf(status.name().substring("CHARGE_STATUS_".length()));
  }

  public static Money money(long amountMinor, String currency) {
    return Money.newBuilder().setAmountMinor(amountMinor).setCurrency(currency).build();
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
