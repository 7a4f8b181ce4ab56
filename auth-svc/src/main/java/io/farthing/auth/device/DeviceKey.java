package io.farthing.auth.device;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A device's P-256 public key; the private half never leaves the device. */
@Entity
@Table(name = "device_keys")
public class DeviceKey extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  /** The name the user gave the device, sealed under the user's data key. */
  @Column(name = "name_enc")
  public byte[] nameEnc;

  /** X.509 SubjectPublicKeyInfo, DER. */
  @Column(name = "public_key")
  public byte[] publicKey;

  @Column(name = "created_at")
  public Instant createdAt;

  @Column(name = "last_used_at")
  public Instant lastUsedAt;
}
