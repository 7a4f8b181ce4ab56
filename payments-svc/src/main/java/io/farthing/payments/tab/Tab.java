package io.farthing.payments.tab;

import java.time.Instant;
import java.util.UUID;

/** A tab as stored. Amounts are minor units of {@code currency}. */
public record Tab(
    UUID id,
    String partnerClientId,
    UUID userId,
    UUID walletId,
    String currency,
    long capMinor,
    long totalMinor,
    long settledMinor,
    long thresholdMinor,
    int settlementCount,
    TabStatus status,
    TabStatus.CloseReason closeReason,
    String description,
    String deviceId,
    String consentId,
    String decisionId,
    Instant expiresAt,
    Instant closedAt,
    int version,
    Instant createdAt,
    Kind kind,
    Usage usage) {

  /** What a tab is for: items added one call at a time, or usage metered over a stream. */
  public enum Kind {
    ITEMS,
    METERED
  }

  /**
   * A metered tab's counting: the highest sequence counted, how many increments were, and when
   * the last one was (null before the first). Items tabs keep {@link #NONE}.
   */
  public record Usage(long lastSequence, long increments, Instant lastAt) {
    public static final Usage NONE = new Usage(0, 0, null);
  }

  /** Added but not yet settled to the merchant. */
  public long unsettledMinor() {
    return totalMinor - settledMinor;
  }

  /** What the tab still holds in the HOLDS account on the user's behalf. */
  public long heldMinor() {
    return status == TabStatus.OPEN ? capMinor - settledMinor : 0;
  }

  /** One item on a tab. {@code chargeId}: the settlement that took it to the merchant, or null. */
  public record Item(
      UUID id, UUID tabId, long amountMinor, String description, long totalAfterMinor, UUID chargeId,
      Instant createdAt) {}
}
