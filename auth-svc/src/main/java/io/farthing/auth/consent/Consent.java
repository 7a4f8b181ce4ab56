package io.farthing.auth.consent;

import io.farthing.common.Amount;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;

/** A user's permission for one partner client to charge them without the user present. */
@Entity
@Table(name = "consents")
public class Consent extends PanacheEntityBase {
  @Id public UUID id;

  @Column(name = "user_id")
  public UUID userId;

  @Column(name = "client_id")
  public String clientId;

  /** Null with the currency when no per-charge maximum was set. */
  @Column(name = "max_per_charge_minor")
  public Long maxPerChargeMinor;

  @Column(name = "max_per_charge_currency")
  public String maxPerChargeCurrency;

  @Column(name = "granted_at")
  public Instant grantedAt;

  @Column(name = "updated_at")
  public Instant updatedAt;

  @Column(name = "revoked_at")
  public Instant revokedAt;

  @Version public int version;

  public boolean isActive() {
    return revokedAt == null;
  }

  /** The per-charge maximum, or null when there is none. */
  public Amount maxPerCharge() {
    return maxPerChargeMinor == null ? null : new Amount(maxPerChargeMinor, maxPerChargeCurrency);
  }

  public void setMaxPerCharge(Amount maximum) {
    maxPerChargeMinor = maximum == null ? null : maximum.amountMinor();
    maxPerChargeCurrency = maximum == null ? null : maximum.currency();
  }
}
