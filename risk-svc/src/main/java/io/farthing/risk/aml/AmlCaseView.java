package io.farthing.risk.aml;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An AML case as the admin API shows it. {@code decisionIds}: the newest 50, oldest first. */
public record AmlCaseView(
    UUID id,
    UUID userId,
    AmlCase.Kind kind,
    AmlCase.Status status,
    int hits,
    long totalMinor,
    String currency,
    List<UUID> decisionIds,
    String summary,
    Instant openedAt,
    Instant updatedAt,
    AmlCase.Resolution resolution,
    String resolvedBy,
    Instant resolvedAt,
    String note) {

  static AmlCaseView of(AmlCase c) {
    return new AmlCaseView(c.id, c.userId, c.kind, c.status, c.hits, c.totalMinor, c.currency.strip(),
        c.decisionIdList(), c.summary, c.openedAt, c.updatedAt, c.resolution, c.resolvedBy, c.resolvedAt, c.note);
  }
}
