package io.farthing.auth.token;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A JWT signing key pair. It is published from creation, signs from {@code activatesAt} until a
 * newer key activates ({@code retiredAt}), and stays published until {@code publishUntil}, when
 * every token it signed has expired.
 */
@Entity
@Table(name = "signing_keys")
public class SigningKey extends PanacheEntityBase {
  @Id public String kid;

  public String algorithm;

  @Column(name = "public_jwk")
  public String publicJwk;

  @Column(name = "private_key_wrapped")
  public byte[] privateKeyWrapped;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "activates_at")
  public Instant activatesAt;

  @Column(name = "retired_at")
  public Instant retiredAt;

  @Column(name = "publish_until")
  public Instant publishUntil;
}
