package io.farthing.risk.rule;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.ColumnTransformer;

/** A row of {@code rules}. The live, compiled form is {@link Rule}; this is only its storage. */
@Entity
@Table(name = "rules")
public class RuleEntity extends PanacheEntityBase {
  /**
   * jsonb travels as text: the reactive driver would encode a Java String bound to a jsonb
   * parameter as a JSON string, so the value is cast from text on the way in and read back as
   * text (concat of one jsonb value is its text form).
   */
  static final String JSON_WRITE = "cast(cast(? as text) as jsonb)";

  @Id public String id;

  public String description;

  /** JSON array of {feature, op, value}. */
  @ColumnTransformer(read = "concat(conditions)", write = JSON_WRITE)
  public String conditions;

  public int points;

  /** ALLOW, CHALLENGE, DENY or null. */
  @Column(name = "force_verdict")
  public String forceVerdict;

  public boolean enabled;

  /** Starts at 1; every change adds one. Updates must carry the version they read. */
  public int version;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "updated_by")
  public String updatedBy;
}
