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

  /** Null with its currency and interval when the consent carries no allowance. */
  @Column(name = "allowance_minor")
  public Long allowanceMinor;

  @Column(name = "allowance_currency")
  public String allowanceCurrency;

  /** The ISO-8601 repeating interval as granted (see {@link RepeatingInterval}). */
  @Column(name = "allowance_interval")
  public String allowanceInterval;

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

  /** The allowance, or null when there is none. */
  public Allowance allowance() {
    return allowanceMinor == null
        ? null
        : new Allowance(new Amount(allowanceMinor, allowanceCurrency), RepeatingInterval.stored(allowanceInterval).orElseThrow());
  }

  public void setAllowance(Allowance allowance) {
    allowanceMinor = allowance == null ? null : allowance.limit().amountMinor();
    allowanceCurrency = allowance == null ? null : allowance.limit().currency();
    allowanceInterval = allowance == null ? null : allowance.interval().text();
  }

  public void setMaxPerCharge(Amount maximum) {
    maxPerChargeMinor = maximum == null ? null : maximum.amountMinor();
    maxPerChargeCurrency = maximum == null ? null : maximum.currency();
  }
}
