package io.farthing.payments.tab;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A tab as its user sees it over REST: running total, cap, settled so far, and (for one tab) its
 * newest items; a metered tab also its usage so far (the last sequence counted, how many
 * increments, when the last one came). Amounts are minor units of {@code currency}.
 */
public record TabView(
    UUID id,
    String partnerClientId,
    String status,
    String currency,
    long capMinor,
    long totalMinor,
    long settledMinor,
    long heldMinor,
    long settleThresholdMinor,
    int settlementCount,
    String description,
    Instant createdAt,
    Instant expiresAt,
    Instant closedAt,
    String closeReason,
    String kind,
    long lastSequence,
    long incrementCount,
    Instant lastUsageAt,
    List<ItemView> items) {

  public record ItemView(UUID id, long amountMinor, String description, long tabTotalMinor, UUID chargeId, Instant createdAt) {}

  /** Without items (lists). */
  public static TabView of(Tab t) {
    return of(t, null);
  }

  public static TabView of(Tab t, List<Tab.Item> items) {
    return new TabView(
        t.id(), t.partnerClientId(), t.status().name(), t.currency(), t.capMinor(), t.totalMinor(), t.settledMinor(),
        t.heldMinor(), t.thresholdMinor(), t.settlementCount(), t.description(), t.createdAt(), t.expiresAt(),
        t.closedAt(), t.closeReason() == null ? null : t.closeReason().name(), t.kind().name(),
        t.usage().lastSequence(), t.usage().increments(), t.usage().lastAt(),
        items == null
            ? null
            : items.stream()
                .map(i -> new ItemView(i.id(), i.amountMinor(), i.description(), i.totalAfterMinor(), i.chargeId(), i.createdAt()))
                .toList());
  }
}
