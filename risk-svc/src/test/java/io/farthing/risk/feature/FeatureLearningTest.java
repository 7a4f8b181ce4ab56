package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.NEW_YORK;
import static io.farthing.risk.feature.Contexts.PARIS;
import static io.farthing.risk.feature.Contexts.T0;
import static io.farthing.risk.feature.Contexts.aContext;
import static io.farthing.risk.feature.Contexts.before;
import static io.farthing.risk.feature.Contexts.degrees;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.score.Channel;
import io.farthing.risk.score.Verdict;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Features that depend on what earlier decisions taught: merchants, amounts, budget, travel. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class FeatureLearningTest extends AbstractFeatureStoreTest {

  @Test
  void aDeniedAttemptKeepsTheMerchantNewAnAllowedPaymentMakesItFamiliar() {
    UUID user = UUID.randomUUID();
    String merchant = "m-" + UUID.randomUUID();
    var first = decide(aContext().user(user).merchant(merchant).at(before(Duration.ofMinutes(3))).build(), Verdict.DENY, 900);
    assertEquals(1, number(first, FeatureNames.NEW_MERCHANT));
    var second = decide(aContext().user(user).merchant(merchant).at(before(Duration.ofMinutes(2))).build(), Verdict.ALLOW, 100);
    assertEquals(1, number(second, FeatureNames.NEW_MERCHANT), "the denial did not make it familiar");
    var third = observe(aContext().user(user).merchant(merchant).build());
    assertEquals(0, number(third, FeatureNames.NEW_MERCHANT));
    assertEquals(1, number(observe(aContext().user(user).build()), FeatureNames.NEW_MERCHANT), "another merchant");
  }

  @Test
  void aChallengedPaymentAlsoMakesTheMerchantFamiliar() {
    UUID user = UUID.randomUUID();
    String merchant = "m-" + UUID.randomUUID();
    decide(aContext().user(user).merchant(merchant).at(before(Duration.ofMinutes(1))).build(), Verdict.CHALLENGE, 600);
    assertEquals(0, number(observe(aContext().user(user).merchant(merchant).build()), FeatureNames.NEW_MERCHANT));
  }

  @Test
  void zscoreAgainstAKnownHistoryOfAllowedAndChallengedPayments() {
    UUID user = UUID.randomUUID();
    long[] amounts = {100, 200, 300, 400, 500};
    for (int i = 0; i < amounts.length; i++) {
      Verdict verdict = i % 2 == 0 ? Verdict.ALLOW : Verdict.CHALLENGE;
      var features = decide(aContext().user(user).amount(amounts[i]).at(before(Duration.ofDays(10 - i))).build(), verdict, 100);
      assertEquals(i, number(features, FeatureNames.HISTORY_COUNT));
      assertEquals(0, number(features, FeatureNames.AMOUNT_ZSCORE_X100), "fewer than 5 past payments");
    }
    // Denied attempts and other currencies stay out of the statistics.
    decide(aContext().user(user).amount(90_000).at(before(Duration.ofDays(2))).build(), Verdict.DENY, 950);
    decide(aContext().user(user).amount(90_000).currency("USD").at(before(Duration.ofDays(2))).build(), Verdict.ALLOW, 0);

    // mean 300, sample sd sqrt(25000) = 158.11: 700 is 2.53 sd above, 100 is 1.26 below.
    var high = observe(aContext().user(user).amount(700).build());
    assertEquals(5, number(high, FeatureNames.HISTORY_COUNT));
    assertEquals(253, number(high, FeatureNames.AMOUNT_ZSCORE_X100));
    assertEquals(-126, number(observe(aContext().user(user).amount(100).build()), FeatureNames.AMOUNT_ZSCORE_X100));
    assertEquals(0, number(observe(aContext().user(user).amount(300).build()), FeatureNames.AMOUNT_ZSCORE_X100));
    assertEquals(1, number(observe(aContext().user(user).amount(5).currency("USD").build()), FeatureNames.HISTORY_COUNT));
  }

  @Test
  void aUserWhoAlwaysPaidTheSameGetsAFlooredStandardDeviation() {
    UUID user = UUID.randomUUID();
    for (int i = 0; i < 5; i++) {
      decide(aContext().user(user).amount(1000).at(before(Duration.ofHours(10 - i))).build(), Verdict.ALLOW, 0);
    }
    assertEquals(1000, number(observe(aContext().user(user).amount(2000).build()), FeatureNames.AMOUNT_ZSCORE_X100));
    assertEquals(0, number(observe(aContext().user(user).amount(1000).build()), FeatureNames.AMOUNT_ZSCORE_X100));
  }

  @Test
  void feedbackNeverFailsItsCallerEvenWithBadInput() {
    store.recordOutcome(UUID.randomUUID(), null, io.farthing.risk.decision.Outcome.FRAUD, null).await().atMost(WAIT);
    store.learn(aContext().build(), null, null, 0).await().atMost(WAIT);
  }

  @Test
  void riskBudgetAccumulatesAllowedSpendAndAChallengeResetsIt() {
    UUID user = UUID.randomUUID();
    long day = Duration.ofDays(1).toMillis();
    decide(aContext().user(user).amount(7000).at(T0.minusMillis(day)).build(), Verdict.ALLOW, 0); // out of 24 h
    var first = decide(aContext().user(user).amount(1000).at(T0.minusMillis(day - 1)).build(), Verdict.ALLOW, 0);
    assertEquals(7000, number(first, FeatureNames.RISK_BUDGET_USED_MINOR), "before this payment, 1 ms inside 24h");
    decide(aContext().user(user).amount(1000).at(before(Duration.ofHours(3))).build(), Verdict.ALLOW, 500);
    decide(aContext().user(user).amount(5000).at(before(Duration.ofHours(2))).build(), Verdict.DENY, 990);
    decide(aContext().user(user).amount(4000).currency("USD").at(before(Duration.ofHours(2))).build(), Verdict.ALLOW, 0);

    var used = observe(aContext().user(user).amount(100).build());
    assertEquals(3000, number(used, FeatureNames.RISK_BUDGET_USED_MINOR), "1000 x 1.0 + 1000 x 2.0; DENY adds nothing");

    learn(aContext().user(user).amount(100).build(), used, Verdict.CHALLENGE, 700);
    var afterChallenge = observe(aContext().user(user).amount(100).at(T0.plusSeconds(1)).build());
    assertEquals(0, number(afterChallenge, FeatureNames.RISK_BUDGET_USED_MINOR));
    assertEquals(0, number(observe(aContext().user(user).currency("USD").at(T0.plusSeconds(2)).build()),
        FeatureNames.RISK_BUDGET_USED_MINOR), "the user proved presence: every currency resets");
  }

  @Test
  void parisThenNewYorkAnHourLaterIsImpossibleTravel() {
    UUID user = UUID.randomUUID();
    var paris = observe(aContext().user(user).location(PARIS).at(before(Duration.ofHours(1))).build());
    assertEquals(0, number(paris, FeatureNames.TRAVEL_KM), "no previous location");
    assertEquals(0, number(paris, FeatureNames.TRAVEL_KMH));
    var newYork = observe(aContext().user(user).location(NEW_YORK).build());
    long km = number(newYork, FeatureNames.TRAVEL_KM);
    assertTrue(km > 5800 && km < 5880, "km = " + km);
    assertEquals(km, number(newYork, FeatureNames.TRAVEL_KMH), "an hour apart: km/h = km");
  }

  @Test
  void theSameCityIsASmallDistanceAtWalkingSpeed() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).location(PARIS).at(before(Duration.ofMinutes(30))).build());
    var nearby = observe(aContext().user(user).location(degrees(48.8600, 2.3600)).build());
    long km = number(nearby, FeatureNames.TRAVEL_KM);
    assertTrue(km <= 1, "km = " + km);
    assertTrue(number(nearby, FeatureNames.TRAVEL_KMH) <= 2);
  }

  @Test
  void travelIsMeasuredFromThePreviousLocatedRequestOnly() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).location(PARIS).at(before(Duration.ofHours(2))).build());
    var unlocated = observe(aContext().user(user).location(null).at(before(Duration.ofHours(1))).build());
    assertEquals(0, number(unlocated, FeatureNames.TRAVEL_KM), "no location now");
    var newYork = observe(aContext().user(user).location(NEW_YORK).build());
    long km = number(newYork, FeatureNames.TRAVEL_KM);
    assertEquals(km / 2, number(newYork, FeatureNames.TRAVEL_KMH), "from Paris 2 h ago, not from the unlocated request");
    var newYorkAgain = observe(aContext().user(user).location(NEW_YORK).at(T0.plusSeconds(5)).build());
    assertEquals(0, number(newYorkAgain, FeatureNames.TRAVEL_KM), "every located request moves the last location");
  }

  @Test
  void twoLocatedRequestsSecondsApartAreTimedAsOneMinute() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).location(PARIS).at(before(Duration.ofSeconds(5))).build());
    var lyon = observe(aContext().user(user).location(degrees(45.7640, 4.8357)).build());
    long km = number(lyon, FeatureNames.TRAVEL_KM);
    assertEquals(km * 60, number(lyon, FeatureNames.TRAVEL_KMH));
  }

  @Test
  void requestFeaturesArePresentInEveryAnswer() {
    var features =
        observe(aContext().amount(4321).category("vouchers").deviceKnown(false).kycTier(2).country("DE").currency("CHF")
            .at(T0.plus(Duration.ofHours(7))).build());
    assertEquals(4321, number(features, FeatureNames.AMOUNT_MINOR));
    assertEquals(0, number(features, FeatureNames.DEVICE_KNOWN));
    assertEquals(1, number(features, FeatureNames.CASH_EQUIVALENT), "vouchers are cash-like by category");
    assertEquals(2, number(features, FeatureNames.KYC_TIER));
    assertEquals(19, number(features, FeatureNames.HOUR_OF_DAY));
    assertEquals(0, number(features, FeatureNames.NEAR_LIMIT));
    assertEquals("IN_APP", features.label(FeatureNames.CHANNEL));
    assertEquals("vouchers", features.label(FeatureNames.MERCHANT_CATEGORY));
    assertEquals("STANDARD", features.label(FeatureNames.SECURITY_LEVEL));
    assertEquals("DE", features.label(FeatureNames.COUNTRY));
    assertEquals("CHF", features.label(FeatureNames.CURRENCY));
    for (String name : FeatureNames.all().keySet()) {
      if (!name.equals(FeatureNames.RISK_BUDGET_PCT)) {
        assertTrue(features.has(name), name + " is present");
      }
    }
    assertTrue(!features.has(FeatureNames.RISK_BUDGET_PCT), "the lead derives risk_budget_pct");
    var topUp = observe(aContext().channel(Channel.TOP_UP).build());
    assertEquals("TOP_UP", topUp.label(FeatureNames.CHANNEL));
  }
}
