package io.farthing.payments.charge;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A charge as stored. Amounts are minor units of {@code currency}. {@code finalSale}: the merchant
 * marked the goods as not undoable (consumed, downloaded), so the user cannot undo the charge.
 */
public record Charge(
    UUID id,
    String partnerClientId,
    UUID userId,
    UUID walletId,
    String currency,
    long amountMinor,
    long authorizedMinor,
    long capturedMinor,
    long refundedMinor,
    long feeMinor,
    long feeRefundedMinor,
    ChargeStatus status,
    boolean captureLater,
    String description,
    Map<String, String> metadata,
    String deviceId,
    String consentId,
    String decisionId,
    String challengeId,
    String failureReason,
    Instant holdExpiresAt,
    int version,
    Instant createdAt,
    Instant updatedAt,
    boolean finalSale) {

  /** A charge that is not a final sale (the shape every caller used before final sales existed). */
  public Charge(
      UUID id, String partnerClientId, UUID userId, UUID walletId, String currency, long amountMinor,
      long authorizedMinor, long capturedMinor, long refundedMinor, long feeMinor, long feeRefundedMinor,
      ChargeStatus status, boolean captureLater, String description, Map<String, String> metadata, String deviceId,
      String consentId, String decisionId, String challengeId, String failureReason, Instant holdExpiresAt,
      int version, Instant createdAt, Instant updatedAt) {
    this(
        id, partnerClientId, userId, walletId, currency, amountMinor, authorizedMinor, capturedMinor, refundedMinor,
        feeMinor, feeRefundedMinor, status, captureLater, description, metadata, deviceId, consentId, decisionId,
        challengeId, failureReason, holdExpiresAt, version, createdAt, updatedAt, false);
  }

  /** What the merchant keeps of what was captured, after fees. */
  public long netMinor() {
    return capturedMinor - refundedMinor - (feeMinor - feeRefundedMinor);
  }

  public long refundableMinor() {
    return capturedMinor - refundedMinor;
  }

  public String purpose() {
    return purpose(id);
  }

  /** The step-up purpose a charge's challenge is bound to. */
  public static String purpose(UUID chargeId) {
    return "charge:" + chargeId;
  }
}
