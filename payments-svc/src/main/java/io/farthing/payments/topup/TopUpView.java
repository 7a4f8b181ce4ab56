package io.farthing.payments.topup;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.UUID;

/** A top-up as its owner sees it (REST body, and the stored reply of POST /v1/topups). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TopUpView(
    UUID id,
    String status,
    UUID walletId,
    String currency,
    long amountMinor,
    String declineCode,
    String failureReason,
    Instant createdAt,
    Instant updatedAt) {

  public static TopUpView of(TopUp t) {
    return new TopUpView(
        t.id(), t.status().name(), t.walletId(), t.currency(), t.amountMinor(), t.declineCode(), t.failureReason(),
        t.createdAt(), t.updatedAt());
  }
}
