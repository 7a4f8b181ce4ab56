package io.farthing.auth.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Amount;
import io.farthing.auth.consent.ConsentService.Refusal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ConsentDecisionTest {

  @Test
  void upToTheMaximumInItsCurrencyIsAllowed() {
    Consent consent = consent(new Amount(500, "EUR"), null);
    ConsentService.Decision decision = ConsentService.decide(consent, new Amount(500, "EUR"));
    assertTrue(decision.allowed());
    assertNull(decision.refusal());
    assertEquals(consent.id, decision.consentId());
    assertTrue(ConsentService.decide(consent, new Amount(1, "EUR")).allowed());
  }

  @Test
  void refusalsNameTheirReason() {
    Consent capped = consent(new Amount(500, "EUR"), null);
    assertEquals(Refusal.ABOVE_PER_CHARGE_MAXIMUM, ConsentService.decide(capped, new Amount(501, "EUR")).refusal());
    assertEquals(Refusal.CURRENCY_MISMATCH, ConsentService.decide(capped, new Amount(1, "USD")).refusal());
    assertEquals(Refusal.CONSENT_REVOKED,
        ConsentService.decide(consent(null, Instant.now()), new Amount(1, "EUR")).refusal());
    ConsentService.Decision none = ConsentService.decide(null, new Amount(1, "EUR"));
    assertFalse(none.allowed());
    assertEquals(Refusal.NO_CONSENT, none.refusal());
    assertNull(none.consentId());
  }

  @Test
  void withoutAMaximumAnyAmountIsAllowed() {
    assertTrue(ConsentService.decide(consent(null, null), new Amount(Long.MAX_VALUE, "JPY")).allowed());
  }

  private static Consent consent(Amount maximum, Instant revokedAt) {
    Consent consent = new Consent();
    consent.id = UUID.randomUUID();
    consent.setMaxPerCharge(maximum);
    consent.revokedAt = revokedAt;
    return consent;
  }
}
