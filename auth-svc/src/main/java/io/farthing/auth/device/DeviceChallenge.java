package io.farthing.auth.device;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A nonce handed to a device to sign; single use, short-lived, stored as SHA-256. */
@Entity
@Table(name = "device_challenges")
public class DeviceChallenge extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "device_id")
  public UUID deviceId;

  @Column(name = "nonce_hash")
  public String nonceHash;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "expires_at")
  public Instant expiresAt;

  @Column(name = "used_at")
  public Instant usedAt;
}
