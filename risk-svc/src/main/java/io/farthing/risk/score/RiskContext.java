package io.farthing.risk.score;

import java.time.Instant;
import java.util.UUID;

/**
 * One movement of money to score, validated: every field here is safe to use as it is.
 *
 * @param caller the authenticated client that asked (scopes replays and request ids)
 * @param requestId the caller's id for the movement; a retry carries the same one
 * @param merchantId null for top-ups and P2P
 * @param merchantCategory lower-case, never null (empty when unknown)
 * @param deviceId null when the caller sent none
 * @param ip null when the caller sent none
 * @param country upper-case ISO-3166 alpha-2, or null
 * @param location null when the caller sent none
 * @param cashEquivalent the caller flagged the goods as cash-like (the feature store adds the
 *     categories of risk.features.cash-equivalent-categories)
 * @param counterpartyUserId P2P receiver, or null
 */
public record RiskContext(
    String caller,
    String requestId,
    UUID userId,
    String walletId,
    String merchantId,
    String merchantCategory,
    long amountMinor,
    String currency,
    Channel channel,
    String deviceId,
    boolean deviceKnown,
    String ip,
    String country,
    GeoPoint location,
    int kycTier,
    SecurityLevel securityLevel,
    Instant at,
    boolean cashEquivalent,
    UUID counterpartyUserId) {

  /** A coarse location in micro-degrees. */
  public record GeoPoint(int latitudeE6, int longitudeE6) {}

  public RiskContext {
    if (amountMinor <= 0) {
      throw new IllegalArgumentException("amountMinor must be positive");
    }
  }
}
