package io.farthing.risk.rule;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/**
 * A row of {@code rule_changes}: the rule as it was right after one change, so a past decision
 * can be explained against the rule as it then stood. Append-only.
 */
@Entity
@Table(name = "rule_changes")
public class RuleChange extends PanacheEntityBase {
  public enum Kind {
    CREATED,
    UPDATED,
    DISABLED,
    ENABLED
  }

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "rule_id")
  public String ruleId;

  public int version;

  @Enumerated(EnumType.STRING)
  public Kind change;

  /** The rule after the change, as JSON (see {@link RuleView}). */
  @ColumnTransformer(read = "concat(rule)", write = RuleEntity.JSON_WRITE)
  public String rule;

  @Column(name = "changed_by")
  public String changedBy;

  @Column(name = "changed_at")
  public Instant changedAt;
}
