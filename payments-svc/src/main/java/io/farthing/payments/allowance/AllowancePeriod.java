package io.farthing.payments.allowance;

import java.time.Instant;

/**
 * The allowance a charge falls under, as auth-svc's CheckConsent named it: up to {@code
 * limitMinor} of {@code currency} per period of {@code interval}, and the period the charge is in,
 * [{@code periodStart}, {@code periodEnd}). payments-svc never interprets the interval: auth-svc
 * computes the periods, payments-svc counts the usage.
 */
public record AllowancePeriod(
    String consentId, long limitMinor, String currency, String interval, Instant periodStart, Instant periodEnd) {

  public AllowancePeriod {
    if (limitMinor <= 0 || !periodEnd.isAfter(periodStart)) {
      throw new IllegalStateException("auth-svc named an allowance period that cannot be: " + interval);
    }
  }
}
