package io.farthing.payments.client;

import java.time.ZoneId;
import java.util.UUID;

/** What payments-svc needs to know of a user at auth-svc for one movement of money. */
public record UserStanding(
    UUID userId, boolean active, String securityLevel, Long strictThresholdMinor, String strictThresholdCurrency,
    ZoneId zone) {
  public static final String STANDARD = "STANDARD";
  public static final String STRICT = "STRICT";
  public static final String ALWAYS = "ALWAYS";

  /** Whether the user's own security level demands step-up for this amount, whatever the score. */
  public boolean requiresStepUp(long amountMinor, String currency) {
    return switch (securityLevel) {
      case ALWAYS -> true;
      case STRICT ->
          strictThresholdMinor == null
              || !currency.equals(strictThresholdCurrency)
              || amountMinor >= strictThresholdMinor;
      default -> false;
    };
  }
}
