package io.farthing.payments.dispute;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A dispute as stored. {@code amountMinor}: what was left to refund of the charge when it was
 * opened, in minor units of {@code currency}; {@code refundedMinor}: what its resolution refunded.
 */
public record Dispute(
    UUID id,
    UUID chargeId,
    UUID userId,
    String partnerClientId,
    String currency,
    long amountMinor,
    DisputeStatus.Reason reason,
    String userNote,
    DisputeStatus status,
    DisputeStatus.Resolution resolution,
    long refundedMinor,
    UUID refundId,
    String resolutionNote,
    String resolvedBy,
    Instant evidenceDueAt,
    Instant resolvedAt,
    String decisionId,
    int version,
    Instant createdAt,
    Instant updatedAt) {

  /** One submission of the merchant's evidence. */
  public record Evidence(UUID id, UUID disputeId, String summary, List<String> refs, Instant createdAt) {}

  /** This dispute resolved: {@code refunded} of it refunded (by {@code refundId}, null if nothing). */
  Dispute resolved(
      DisputeStatus outcome, DisputeStatus.Resolution how, long refunded, UUID refund, String note, String by,
      Instant at) {
    return new Dispute(
        id, chargeId, userId, partnerClientId, currency, amountMinor, reason, userNote, outcome, how, refunded, refund,
        note == null ? "" : note, by, evidenceDueAt, at, decisionId, version + 1, createdAt, at);
  }

  /** This dispute under review (after the merchant's evidence). */
  Dispute underReview(Instant at) {
    return new Dispute(
        id, chargeId, userId, partnerClientId, currency, amountMinor, reason, userNote, DisputeStatus.UNDER_REVIEW,
        null, 0, null, "", null, evidenceDueAt, null, decisionId, version + 1, createdAt, at);
  }
}
