package io.farthing.auth.totp;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A password sign-in waiting for its second factor. Only the token's SHA-256 is stored. */
@Entity
@Table(name = "mfa_tickets")
public class MfaTicket extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "token_hash")
  public String tokenHash;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "used_at")
  public Instant usedAt;
}
