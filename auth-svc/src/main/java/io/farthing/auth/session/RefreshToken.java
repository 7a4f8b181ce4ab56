package io.farthing.auth.session;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One refresh token of a sign-in session (a family). Only its SHA-256 is stored. */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "family_id")
  public UUID familyId;

  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "token_hash")
  public String tokenHash;

  @Column(name = "issued_at")
  public Instant issuedAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "used_at")
  public Instant usedAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;

  /** How the session was opened: pwd, pwd+otp, device. Carried into refreshed access tokens. */
  @Column(name = "auth_method")
  public String authMethod;
}
