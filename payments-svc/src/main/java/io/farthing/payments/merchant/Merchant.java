package io.farthing.payments.merchant;

import io.farthing.payments.fee.FeePlan;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** A partner that may charge users, with its fee plan per accepted currency. */
public record Merchant(
    String partnerClientId,
    String name,
    String category,
    String status,
    long version,
    Map<String, FeePlan> feePlans,
    Instant createdAt,
    Instant updatedAt) {
  public static final String ACTIVE = "ACTIVE";
  public static final String SUSPENDED = "SUSPENDED";

  public boolean active() {
    return ACTIVE.equals(status);
  }

  public Optional<FeePlan> plan(String currency) {
    return Optional.ofNullable(feePlans.get(currency));
  }
}
