package io.farthing.payments.settlement;

import java.time.Instant;
import java.util.UUID;

/** A settlement window as partners see it (REST); admins see the whole {@link SettlementWindow}. */
public record WindowView(
    UUID windowId,
    String partnerClientId,
    String currency,
    Instant startsAt,
    Instant endsAt,
    WindowStatus status,
    Instant closedAt,
    Instant settledAt,
    Long netMinor,
    long payoutMinor,
    boolean carriedForward,
    long lineCount,
    int payoutAttempts,
    String failureReason) {

  public static WindowView of(SettlementWindow w) {
    return new WindowView(
        w.id(), w.partnerClientId(), w.currency(), w.startsAt(), w.endsAt(), w.status(), w.closedAt(), w.settledAt(),
        w.netMinor(), w.payoutMinor(), w.carriedForward(), w.lineCount(), w.payoutAttempts(), w.failureReason());
  }
}
