package io.farthing.auth.stepup;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** Server-side record of an issued step-up token, so it can be redeemed exactly once. */
@Entity
@Table(name = "step_up_tokens")
public class StepUpToken extends PanacheEntityBase {
  @Id public UUID jti;

  @Column(name = "challenge_id")
  public UUID challengeId;

  @Column(name = "user_id")
  public UUID userId;

  public String purpose;

  public String acr;

  @Column(name = "issued_at")
  public Instant issuedAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "consumed_at")
  public Instant consumedAt;
}
