package io.farthing.risk.aml;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A row of {@code aml_cases}. Cases are opened and extended only by the one upsert in
 * {@link AmlCaseRepository#openOrExtend} and resolved by one conditional update; the entity is
 * for reading.
 */
@Entity
@Table(name = "aml_cases")
public class AmlCase extends PanacheEntityBase {
  public enum Kind {
    STRUCTURING
  }

  public enum Status {
    OPEN,
    RESOLVED
  }

  public enum Resolution {
    CLEARED,
    REPORTED,
    ACCOUNT_RESTRICTED
  }

  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  @Enumerated(EnumType.STRING)
  public Kind kind;

  @Enumerated(EnumType.STRING)
  public Status status;

  public int hits;

  @Column(name = "total_minor")
  public long totalMinor;

  public String currency;

  /** The uuid[] as comma-separated text, oldest first (read-only: the upsert maintains it). */
  @Column(name = "decision_ids", insertable = false, updatable = false)
  @ColumnTransformer(read = "array_to_string(decision_ids, ',')")
  public String decisionIds;

  public String summary;

  @Column(name = "opened_at")
  public Instant openedAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Enumerated(EnumType.STRING)
  public Resolution resolution;

  @Column(name = "resolved_by")
  public String resolvedBy;

  @Column(name = "resolved_at")
  public Instant resolvedAt;

  public String note;

  public List<UUID> decisionIdList() {
    if (decisionIds == null || decisionIds.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(decisionIds.split(",")).map(UUID::fromString).toList();
  }
}
