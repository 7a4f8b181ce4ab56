package io.farthing.payments.dispute;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A dispute over REST, for its user and for support. Amounts are minor units of {@code currency}.
 * {@code evidence} is filled for one dispute (support sees it; a user sees how many submissions
 * the merchant made, not their text, which may name other customers or internal systems).
 */
public record DisputeView(
    UUID id,
    UUID chargeId,
    UUID userId,
    String partnerClientId,
    String status,
    String reason,
    String userNote,
    String currency,
    long amountMinor,
    long refundedMinor,
    String resolution,
    String resolutionNote,
    Instant evidenceDueAt,
    Instant createdAt,
    Instant resolvedAt,
    Integer evidenceCount,
    List<EvidenceView> evidence) {

  public record EvidenceView(String summary, List<String> refs, Instant createdAt) {}

  /** Without evidence (lists). */
  public static DisputeView of(Dispute d) {
    return of(d, null, null);
  }

  /** As its user sees it: how many evidence submissions, not what they say. */
  public static DisputeView forUser(Dispute d, List<Dispute.Evidence> evidence) {
    return of(d, evidence.size(), null);
  }

  /** As support sees it: with the evidence. */
  public static DisputeView forSupport(Dispute d, List<Dispute.Evidence> evidence) {
    return of(
        d, evidence.size(), evidence.stream().map(e -> new EvidenceView(e.summary(), e.refs(), e.createdAt())).toList());
  }

  private static DisputeView of(Dispute d, Integer evidenceCount, List<EvidenceView> evidence) {
    return new DisputeView(
        d.id(), d.chargeId(), d.userId(), d.partnerClientId(), d.status().name(), d.reason().name(), d.userNote(),
        d.currency(), d.amountMinor(), d.refundedMinor(), d.resolution() == null ? null : d.resolution().name(),
        d.resolutionNote(), d.evidenceDueAt(), d.createdAt(), d.resolvedAt(), evidenceCount, evidence);
  }
}
