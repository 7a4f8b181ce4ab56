package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A user's TOTP authenticator. The secret is sealed under the user's data key. */
@Entity
@Table(name = "totp_credentials")
public class TotpCredential extends PanacheEntityBase {

  public enum Status {
    /** Secret handed out, not yet proved by a code: not a second factor yet. */
    PENDING,
    ENABLED
  }

  @Id
  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "secret_enc")
  public byte[] secretEnc;

  @Enumerated(EnumType.STRING)
  public Status status;

  /** Newest accepted time step; a code for this step or an earlier one is never accepted. */
  @Column(name = "last_used_step")
  public Long lastUsedStep;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "enabled_at")
  public Instant enabledAt;

  public boolean isEnabled() {
    return status == Status.ENABLED;
  }
}
