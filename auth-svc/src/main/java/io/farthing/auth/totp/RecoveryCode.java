package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One single-use recovery code; only its salted SHA-256 is stored. */
@Entity
@Table(name = "recovery_codes")
public class RecoveryCode extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "code_hash")
  public String codeHash;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "used_at")
  public Instant usedAt;
}
