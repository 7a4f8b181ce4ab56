package io.farthing.auth.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Amount;
import io.farthing.auth.consent.ConsentService.Refusal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsentDecisionTest {
  private static final Instant NOW = Instant.parse("2026-12-15T10:00:00Z");
  private static final Duration MIN = Duration.ofHours(1);

  private static ConsentService.Decision decide(Consent consent, Amount amount, Instant now) {
    return ConsentService.decide(consent, amount, now);
  }

  @Test
  void anAllowanceNamesThePeriodAtTheCheckAndItsBoundaries() {
    Consent consent = consent(null, null);
    consent.setAllowance(allowance(1_000, "R/2026-12-01T00:00:00Z/P1M"));

    ConsentService.Decision inside = decide(consent, new Amount(2_000, "EUR"), NOW);
    assertTrue(inside.allowed());
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), inside.allowance().periodStart());
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), inside.allowance().periodEnd());
    ConsentService.Decision atTheEnd = decide(consent, new Amount(1, "EUR"), Instant.parse("2027-01-01T00:00:00Z"));
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), atTheEnd.allowance().periodStart());
    assertEquals(Refusal.CURRENCY_MISMATCH, decide(consent, new Amount(1, "USD"), NOW).refusal());
  }

  @Test
  void outsideTheAllowancesPeriodsTheChargeIsRefused() {
    Consent later = consent(null, null);
    later.setAllowance(allowance(1_000, "R/2026-12-16T00:00:00Z/P1W"));
    Consent over = consent(null, null);
    over.setAllowance(allowance(1_000, "R2/2026-12-01T00:00:00Z/P1W"));

    assertEquals(Refusal.ALLOWANCE_NOT_STARTED, decide(later, new Amount(1, "EUR"), NOW).refusal());
    assertEquals(Refusal.ALLOWANCE_ENDED, decide(over, new Amount(1, "EUR"), NOW).refusal());
    assertTrue(decide(over, new Amount(1, "EUR"), Instant.parse("2026-12-14T23:59:59Z")).allowed());
  }

  private static Allowance allowance(long limitMinor, String interval) {
    return new Allowance(new Amount(limitMinor, "EUR"), RepeatingInterval.parse(interval, MIN, 1000));
  }

  @Test
  void upToTheMaximumInItsCurrencyIsAllowed() {
    Consent consent = consent(new Amount(500, "EUR"), null);
    ConsentService.Decision decision = decide(consent, new Amount(500, "EUR"), NOW);
    assertTrue(decision.allowed());
    assertNull(decision.refusal());
    assertEquals(consent.id, decision.consentId());
    assertTrue(decide(consent, new Amount(1, "EUR"), NOW).allowed());
  }

  @Test
  void refusalsNameTheirReason() {
    Consent capped = consent(new Amount(500, "EUR"), null);
    assertEquals(Refusal.ABOVE_PER_CHARGE_MAXIMUM, decide(capped, new Amount(501, "EUR"), NOW).refusal());
    assertEquals(Refusal.CURRENCY_MISMATCH, decide(capped, new Amount(1, "USD"), NOW).refusal());
    assertEquals(Refusal.CONSENT_REVOKED,
        decide(consent(null, Instant.now()), new Amount(1, "EUR"), NOW).refusal());
    ConsentService.Decision none = decide(null, new Amount(1, "EUR"), NOW);
    assertFalse(none.allowed());
    assertEquals(Refusal.NO_CONSENT, none.refusal());
    assertNull(none.consentId());
  }

  @Test
  void withoutAMaximumAnyAmountIsAllowed() {
    assertTrue(decide(consent(null, null), new Amount(Long.MAX_VALUE, "JPY"), NOW).allowed());
  }

  private static Consent consent(Amount maximum, Instant revokedAt) {
    Consent consent = new Consent();
    consent.id = UUID.randomUUID();
    consent.setMaxPerCharge(maximum);
    consent.revokedAt = revokedAt;
    return consent;
  }
}
