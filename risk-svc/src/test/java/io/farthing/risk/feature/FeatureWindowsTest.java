package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.T0;
import static io.farthing.risk.feature.Contexts.aContext;
import static io.farthing.risk.feature.Contexts.before;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.risk.decision.Outcome;
import io.farthing.risk.score.Channel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every windowed feature at its edges: an event exactly W before t is out, W - 1 ms before is in. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class FeatureWindowsTest extends AbstractFeatureStoreTest {

  @ParameterizedTest(name = "{1} / {2}")
  @CsvSource({"60000, count_1m, sum_1m", "3600000, count_1h, sum_1h", "86400000, count_24h, sum_24h"})
  void anEventExactlyTheWindowAgoIsOutAndOneMillisecondLaterIsIn(long windowMs, String count, String sum) {
    UUID out = UUID.randomUUID();
    observe(aContext().user(out).amount(100).at(T0.minusMillis(windowMs)).build());
    var now = observe(aContext().user(out).amount(250).build());
    assertEquals(1, number(now, count), "the payment itself counts");
    assertEquals(250, number(now, sum));

    UUID in = UUID.randomUUID();
    observe(aContext().user(in).amount(100).at(T0.minusMillis(windowMs - 1)).build());
    now = observe(aContext().user(in).amount(250).build());
    assertEquals(2, number(now, count));
    assertEquals(350, number(now, sum));
  }

  /** One stored payment of the brute-force model below. */
  private record Paid(long atMs, long amount, String currency, boolean cash) {}

  @Test
  void countsAndSumsMatchABruteForceModelOverManyPaymentsSomeOutOfOrder() {
    UUID user = UUID.randomUUID();
    Random random = new Random(20261201);
    List<Paid> stored = new ArrayList<>();
    long newest = before(Duration.ofHours(30)).toEpochMilli();
    long[] windows = {60_000, 3_600_000, 86_400_000};
    String[] counts = {FeatureNames.COUNT_1M, FeatureNames.COUNT_1H, FeatureNames.COUNT_24H};
    String[] sums = {FeatureNames.SUM_1M, FeatureNames.SUM_1H, FeatureNames.SUM_24H};
    for (int k = 0; k < 160; k++) {
      long at;
      if (k > 0 && random.nextInt(10) == 0) {
        at = newest - 1 - random.nextInt(5_000); // a late arrival
      } else {
        newest += random.nextInt(4) == 0 ? random.nextInt(20_000) : random.nextInt(30 * 60_000);
        at = newest;
      }
      var paid = new Paid(at, 1 + random.nextInt(100_000), random.nextInt(4) == 0 ? "USD" : "EUR", random.nextInt(3) == 0);
      stored.add(paid);
      var features =
          observe(aContext().user(user).amount(paid.amount()).currency(paid.currency()).cash(paid.cash())
              .at(Instant.ofEpochMilli(at)).build());
      for (int w = 0; w < windows.length; w++) {
        long from = at - windows[w];
        var inWindow = stored.stream().filter(p -> p.atMs() > from && p.atMs() <= at).toList();
        assertEquals(inWindow.size(), number(features, counts[w]), counts[w] + " at payment " + k);
        long sum = inWindow.stream().filter(p -> p.currency().equals(paid.currency())).mapToLong(Paid::amount).sum();
        assertEquals(sum, number(features, sums[w]), sums[w] + " at payment " + k);
        if (w == 2) {
          long cash = inWindow.stream().filter(p -> p.currency().equals(paid.currency()) && p.cash()).mapToLong(Paid::amount).sum();
          assertEquals(cash * 100 / sum, number(features, FeatureNames.CASH_EQUIV_SHARE_PCT), "cash share at payment " + k);
        }
      }
      stored.removeIf(p -> p.atMs() <= at - 86_400_000); // the store trims what no later window holds
    }
  }

  @Test
  void countsTakeEveryCurrencyButSumsOnlyThisOne() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).amount(700).currency("USD").at(before(Duration.ofSeconds(30))).build());
    observe(aContext().user(user).amount(100).at(before(Duration.ofMinutes(30))).build());
    var now = observe(aContext().user(user).amount(250).build());
    assertEquals(2, number(now, FeatureNames.COUNT_1M));
    assertEquals(250, number(now, FeatureNames.SUM_1M));
    assertEquals(3, number(now, FeatureNames.COUNT_1H));
    assertEquals(350, number(now, FeatureNames.SUM_1H));
    assertEquals(350, number(now, FeatureNames.SUM_24H));
  }

  @Test
  void aLaterEventIsNotInAnEarlierPaymentsWindow() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).amount(100).at(T0.plusMillis(1)).build());
    var now = observe(aContext().user(user).amount(250).build());
    assertEquals(1, number(now, FeatureNames.COUNT_1M));
    assertEquals(250, number(now, FeatureNames.SUM_24H));
  }

  @Test
  void devicesAndIpsAreDistinctOverTwentyFourHours() {
    UUID user = UUID.randomUUID();
    long day = Duration.ofDays(1).toMillis();
    observe(aContext().user(user).device("d-out").ip("10.0.0.1").at(T0.minusMillis(day)).build());
    observe(aContext().user(user).device("d-in").ip("10.0.0.2").at(T0.minusMillis(day - 1)).build());
    observe(aContext().user(user).device("d-in").ip("10.0.0.2").at(before(Duration.ofHours(2))).build());
    observe(aContext().user(user).device(null).ip(null).at(before(Duration.ofHours(1))).build());
    var now = observe(aContext().user(user).device("d-now").ip("10.0.0.3").build());
    assertEquals(2, number(now, FeatureNames.DEVICES_24H), "d-in and d-now");
    assertEquals(2, number(now, FeatureNames.IPS_24H));

    var again = observe(aContext().user(user).device("d-in").ip("10.0.0.2").at(T0.plusSeconds(1)).build());
    assertEquals(2, number(again, FeatureNames.DEVICES_24H), "a device seen again is one device");
    assertEquals(2, number(again, FeatureNames.IPS_24H));
  }

  @Test
  void aMissingDeviceOrIpIsNotCounted() {
    UUID user = UUID.randomUUID();
    observe(aContext().user(user).device("d-1").ip("10.0.0.1").at(before(Duration.ofMinutes(5))).build());
    var now = observe(aContext().user(user).device(null).ip(null).build());
    assertEquals(1, number(now, FeatureNames.DEVICES_24H));
    assertEquals(1, number(now, FeatureNames.IPS_24H));

    var first = observe(aContext().device(null).ip(null).build());
    assertEquals(0, number(first, FeatureNames.DEVICES_24H));
    assertEquals(0, number(first, FeatureNames.IPS_24H));
  }

  @Test
  void cashEquivalentShareIsOfThisCurrencysSpendThisPaymentIncluded() {
    UUID user = UUID.randomUUID();
    long day = Duration.ofDays(1).toMillis();
    observe(aContext().user(user).amount(5000).category("gift_cards").at(T0.minusMillis(day)).build()); // out
    observe(aContext().user(user).amount(300).category("gift_cards").at(before(Duration.ofHours(3))).build());
    observe(aContext().user(user).amount(100).category("games").at(before(Duration.ofHours(2))).build());
    observe(aContext().user(user).amount(9000).currency("USD").cash(true).at(before(Duration.ofHours(1))).build());
    var now = observe(aContext().user(user).amount(600).category("games").cash(true).build());
    assertEquals(1, number(now, FeatureNames.CASH_EQUIVALENT));
    assertEquals(90, number(now, FeatureNames.CASH_EQUIV_SHARE_PCT), "(300 + 600) / 1000");

    var plain = observe(aContext().user(user).amount(1000).category("games").at(T0.plusSeconds(1)).build());
    assertEquals(0, number(plain, FeatureNames.CASH_EQUIVALENT));
    assertEquals(45, number(plain, FeatureNames.CASH_EQUIV_SHARE_PCT), "900 / 2000");
  }

  @Test
  void nearLimitCountsTopUpsAndTransfersOverSevenDaysThisOneIncluded() {
    UUID user = UUID.randomUUID();
    long week = Duration.ofDays(7).toMillis();
    observe(aContext().user(user).channel(Channel.TOP_UP).amount(95_000).at(T0.minusMillis(week)).build()); // out
    observe(aContext().user(user).channel(Channel.P2P).amount(95_000).at(T0.minusMillis(week - 1)).build());
    observe(aContext().user(user).channel(Channel.TOP_UP).amount(99_000).currency("USD").at(before(Duration.ofDays(1))).build());
    observe(aContext().user(user).amount(95_000).at(before(Duration.ofHours(1))).build()); // IN_APP: not watched
    var now = observe(aContext().user(user).channel(Channel.TOP_UP).amount(90_000).build());
    assertEquals(1, number(now, FeatureNames.NEAR_LIMIT));
    assertEquals(3, number(now, FeatureNames.NEAR_LIMIT_COUNT_7D), "every currency");
    assertEquals(185_000, number(now, FeatureNames.NEAR_LIMIT_SUM_7D), "this currency");

    var below = observe(aContext().user(user).channel(Channel.TOP_UP).amount(89_999).build());
    assertEquals(0, number(below, FeatureNames.NEAR_LIMIT));
    assertEquals(3, number(below, FeatureNames.NEAR_LIMIT_COUNT_7D), "not counted itself");
  }

  @ParameterizedTest(name = "{0} → near_limit {1}")
  @CsvSource({"99999, 1", "100000, 0", "90000, 1", "89999, 0"})
  void nearLimitBoundariesSeenThroughTheStore(long amount, long near) {
    var features = observe(aContext().channel(Channel.P2P).amount(amount).build());
    assertEquals(near, number(features, FeatureNames.NEAR_LIMIT));
    assertEquals(near, number(features, FeatureNames.NEAR_LIMIT_COUNT_7D));
  }

  @Test
  void merchantRefundAndDisputeRatesAreOverItsPayments() {
    String merchant = "m-" + UUID.randomUUID();
    for (int i = 1; i <= 4; i++) {
      observe(aContext().merchant(merchant).at(before(Duration.ofDays(i))).build());
    }
    outcome(UUID.randomUUID(), merchant, Outcome.REFUNDED, before(Duration.ofDays(1)));
    outcome(UUID.randomUUID(), merchant, Outcome.DISPUTE_WON, before(Duration.ofDays(2)));
    outcome(UUID.randomUUID(), merchant, Outcome.DISPUTE_LOST, before(Duration.ofHours(5)));
    outcome(UUID.randomUUID(), merchant, Outcome.LEGITIMATE, before(Duration.ofHours(5)));
    outcome(UUID.randomUUID(), merchant, Outcome.FRAUD, before(Duration.ofHours(5)));
    var now = observe(aContext().merchant(merchant).build());
    assertEquals(5, number(now, FeatureNames.MERCHANT_PAYMENTS_30D), "this payment included");
    assertEquals(2000, number(now, FeatureNames.MERCHANT_REFUND_RATE_BP), "1 / 5");
    assertEquals(4000, number(now, FeatureNames.MERCHANT_DISPUTE_RATE_BP), "2 / 5");
  }

  @Test
  void merchantWindowIsThirtyUtcDaysEndingWithTodayInDailyBuckets() {
    String merchant = "m-" + UUID.randomUUID();
    // T0 is noon: day - 29 starts 29.5 days before it, day - 30 ends 1 ms earlier.
    var startOfOldestDay = before(Duration.ofDays(29).plusHours(12));
    observe(aContext().merchant(merchant).at(startOfOldestDay).build()); // in
    observe(aContext().merchant(merchant).at(startOfOldestDay.minusMillis(1)).build()); // out
    observe(aContext().merchant(merchant).at(before(Duration.ofDays(30))).build()); // out
    outcome(UUID.randomUUID(), merchant, Outcome.REFUNDED, startOfOldestDay.minusMillis(1)); // out
    outcome(UUID.randomUUID(), merchant, Outcome.REFUNDED, startOfOldestDay); // in
    var now = observe(aContext().merchant(merchant).build());
    assertEquals(2, number(now, FeatureNames.MERCHANT_PAYMENTS_30D));
    assertEquals(5000, number(now, FeatureNames.MERCHANT_REFUND_RATE_BP));
    assertEquals(0, number(now, FeatureNames.MERCHANT_DISPUTE_RATE_BP));
  }

  @Test
  void aPaymentWithoutMerchantHasNoMerchantFigures() {
    var topUp = observe(aContext().channel(Channel.TOP_UP).build());
    assertEquals(0, number(topUp, FeatureNames.MERCHANT_PAYMENTS_30D));
    assertEquals(0, number(topUp, FeatureNames.MERCHANT_REFUND_RATE_BP));
    assertEquals(0, number(topUp, FeatureNames.NEW_MERCHANT));
  }

  @Test
  void fraudReportsAreFraudAndLostDisputesOverNinetyDays() {
    UUID user = UUID.randomUUID();
    long ninetyDays = Duration.ofDays(90).toMillis();
    outcome(user, null, Outcome.FRAUD, T0.minusMillis(ninetyDays)); // out
    outcome(user, "m-" + UUID.randomUUID(), Outcome.DISPUTE_LOST, T0.minusMillis(ninetyDays - 1));
    outcome(user, null, Outcome.FRAUD, before(Duration.ofHours(1)));
    outcome(user, "m-" + UUID.randomUUID(), Outcome.DISPUTE_WON, before(Duration.ofHours(1)));
    outcome(user, "m-" + UUID.randomUUID(), Outcome.REFUNDED, before(Duration.ofHours(1)));
    outcome(user, null, Outcome.LEGITIMATE, before(Duration.ofHours(1)));
    var now = observe(aContext().user(user).build());
    assertEquals(2, number(now, FeatureNames.USER_FRAUD_REPORTS));
    assertEquals(0, number(observe(aContext().build()), FeatureNames.USER_FRAUD_REPORTS));
  }
}
