package io.farthing.payments.charge.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.farthing.payments.charge.Charge;
import io.farthing.payments.charge.ChargeStatus;
import java.time.Instant;
import java.util.UUID;

/**
 * A charge as the person who paid sees it: who charged, what for, how much, what happened. The
 * merchant's side (fees, net, consent and risk ids, metadata) is the partner's business and stays
 * on the partner API.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChargeView(
    UUID id,
    String merchant,
    String description,
    String status,
    String currency,
    long amountMinor,
    long capturedMinor,
    long refundedMinor,
    String failureReason,
    String challengeId,
    Instant createdAt,
    Instant updatedAt) {

  public static ChargeView of(Charge c) {
    return new ChargeView(
        c.id(), c.partnerClientId(), c.description(), c.status().name(), c.currency(), c.amountMinor(),
        c.capturedMinor(), c.refundedMinor(), c.failureReason(),
        c.status() == ChargeStatus.REQUIRES_ACTION ? c.challengeId() : null, c.createdAt(), c.updatedAt());
  }
}
