package io.farthing.payments.topup;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** A top-up as stored. The instrument is kept for the gateway, never shown. */
public record TopUp(
    UUID id,
    UUID userId,
    UUID walletId,
    String currency,
    long amountMinor,
    String instrument,
    String gateway,
    TopUpStatus status,
    String processorReference,
    String declineCode,
    String failureReason,
    String decisionId,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  public static final String DECLINED = "TOPUP_DECLINED";
  public static final String RISK_DENIED = "RISK_DENIED";
  public static final String GATEWAY_TIMEOUT = "GATEWAY_TIMEOUT";
  public static final String WALLET_MAX = "WALLET_MAX";

  /** Now, at the precision PostgreSQL keeps, so a reply built in memory equals the row read back. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** The reference the gateway knows this top-up by. */
  public String reference() {
    return id.toString();
  }

  /** This top-up moved on: status and what the gateway said. */
  public TopUp moved(TopUpStatus next, String processorReference, String declineCode, String failureReason) {
    status.requireTransition(next);
    return new TopUp(
        id, userId, walletId, currency, amountMinor, instrument, gateway, next, processorReference, declineCode,
        failureReason, decisionId, version + 1, createdAt, now());
  }
}
