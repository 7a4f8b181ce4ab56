package io.farthing.auth.audit;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One row of the append-only audit trail: who, what, when, outcome, origin. */
@Entity
@Table(name = "audit_events")
public class AuditEvent extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "occurred_at")
  public Instant occurredAt;

  @Column(name = "actor_type")
  public String actorType;

  @Column(name = "actor_id")
  public String actorId;

  @Column(name = "subject_user_id")
  public UUID subjectUserId;

  public String action;

  public String outcome;

  public String ip;

  @Column(name = "user_agent")
  public String userAgent;

  /** Short, non-secret context (a device id, a client id, a reason code). */
  public String details;
}
