package io.farthing.risk.model;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Labelled feature vectors the project makes itself: one payment per sample, with the features
 * the feature store would have computed for it. Legitimate people come in a few kinds (regulars,
 * gamers buying game currency, newcomers, travellers, people topping up and sending money), and
 * fraud in the five shapes micropayments see most (card testing, account takeover, cash-out,
 * structuring, collusive merchants). Each fraud shows each of its tell-tale signs only with some
 * probability, and legitimate people sometimes look suspicious (a gamer's bursts, a traveller's
 * new phone, a splurge), so the classes overlap as they do in life. docs/risk-model.md tells the
 * whole story. {@link Random} is used because its algorithm is specified: the same seed gives the
 * same data on every JVM.
 */
public final class SyntheticData {
  /** Bump when the generative story changes: the baseline records it. */
  public static final int GENERATOR_VERSION = 1;

  public static final double FRAUD_RATE = 0.04;
  /** Share of payments scored while Redis was unreachable: only request features present. */
  public static final double DEGRADED_RATE = 0.02;

  public enum Pattern {
    LEGIT_REGULAR,
    LEGIT_GAMER,
    LEGIT_NEWCOMER,
    LEGIT_TRAVELLER,
    LEGIT_TOP_UP,
    CARD_TESTING,
    ACCOUNT_TAKEOVER,
    CASH_OUT,
    STRUCTURING,
    COLLUSIVE_MERCHANT;

    public boolean fraud() {
      return ordinal() >= CARD_TESTING.ordinal();
    }
  }

  public record Sample(Features features, boolean fraud, Pattern pattern) {}

  private static final Pattern[] LEGIT = {
    Pattern.LEGIT_REGULAR, Pattern.LEGIT_GAMER, Pattern.LEGIT_NEWCOMER, Pattern.LEGIT_TRAVELLER,
    Pattern.LEGIT_TOP_UP
  };
  private static final double[] LEGIT_WEIGHTS = {0.70, 0.10, 0.08, 0.05, 0.07};
  private static final Pattern[] FRAUD = {
    Pattern.CARD_TESTING, Pattern.ACCOUNT_TAKEOVER, Pattern.CASH_OUT, Pattern.STRUCTURING,
    Pattern.COLLUSIVE_MERCHANT
  };
  private static final double[] FRAUD_WEIGHTS = {0.30, 0.25, 0.20, 0.10, 0.15};

  /** The AML limit the generator's structuring aims just under (risk.aml.limit-minor's default). */
  private static final long AML_LIMIT_MINOR = 100_000;

  private final Random random;

  public SyntheticData(long seed) {
    this.random = new Random(seed);
  }

  /** {@code count} samples; the same seed always gives the same list. */
  public static List<Sample> generate(long seed, int count) {
    SyntheticData generator = new SyntheticData(seed);
    List<Sample> samples = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      samples.add(generator.next());
    }
    return samples;
  }

  public Sample next() {
    boolean fraud = chance(FRAUD_RATE);
    Pattern pattern = fraud ? pick(FRAUD, FRAUD_WEIGHTS) : pick(LEGIT, LEGIT_WEIGHTS);
    Payment payment = legitimateBase(pattern);
    switch (pattern) {
      case CARD_TESTING -> cardTesting(payment);
      case ACCOUNT_TAKEOVER -> accountTakeover(payment);
      case CASH_OUT -> cashOut(payment);
      case STRUCTURING -> structuring(payment);
      case COLLUSIVE_MERCHANT -> collusiveMerchant(payment);
      default -> {}
    }
    boolean degraded = chance(DEGRADED_RATE);
    return new Sample(payment.toFeatures(degraded), fraud, pattern);
  }

  // --- legitimate people ------------------------------------------------------------------

  /** A legitimate payment of the given kind; fraud patterns start from a regular's and alter it. */
  private Payment legitimateBase(Pattern pattern) {
    Payment p = new Payment();
    boolean gamer = pattern == Pattern.LEGIT_GAMER;
    boolean newcomer = pattern == Pattern.LEGIT_NEWCOMER;
    boolean traveller = pattern == Pattern.LEGIT_TRAVELLER;
    boolean topUp = pattern == Pattern.LEGIT_TOP_UP;

    p.channel = topUp ? (chance(0.6) ? "TOP_UP" : "P2P") : pick(new String[] {"IN_APP", "QR", "NFC"},
        new double[] {0.7, 0.15, 0.15});
    p.typicalMinor = logNormal(topUp ? 3_000 : 300, 0.8);
    p.history = newcomer ? random.nextInt(5) : Math.round(logNormal(60, 1.0));
    double z = chance(0.04) ? gaussian(2.5, 1.5) : gaussian(0, 1);
    p.amount = Math.max(1, Math.round(p.typicalMinor * StrictMath.exp(0.4 * z)));
    p.zscoreX100 = p.history < 5 ? 0 : Math.round(z * 100);
    p.deviceKnown = chance(newcomer ? 0.7 : traveller ? 0.8 : 0.95);
    p.devices24h = 1 + (chance(p.deviceKnown ? 0.08 : 0.4) ? 1 : 0);
    p.ips24h = 1 + (chance(0.3) ? 1 : 0) + (chance(traveller ? 0.4 : 0.08) ? 1 : 0);
    p.count1m = 1 + (gamer ? geometric(0.5) : chance(0.05) ? 1 : 0);
    p.count1h = p.count1m + poisson(gamer ? 6 : 1.5);
    p.count24h = p.count1h + poisson(gamer ? 20 : 4);
    p.newMerchant = chance(newcomer ? 0.6 : traveller ? 0.4 : 0.12);
    if (traveller) {
      p.travelKm = Math.round(uniform(300, 5_000));
      p.travelKmh = Math.round(uniform(50, 900));
    } else {
      p.travelKm = Math.round(-5 * StrictMath.log(1 - random.nextDouble()));
      p.travelKmh = Math.round(p.travelKm * uniform(0.5, 6));
    }
    if (chance(0.01)) { // GPS jumps and VPN exits: "impossible travel" without any fraud
      p.travelKmh = Math.round(uniform(1_500, 20_000));
    }
    p.cashEquivalent = gamer ? chance(0.6) : chance(0.05);
    p.category = p.cashEquivalent ? (gamer ? "game_currency" : "gift_cards")
        : pick(new String[] {"news", "music", "video", "food", "transport"}, new double[] {0.2, 0.2, 0.2, 0.2, 0.2});
    p.cashSharePct = p.cashEquivalent ? Math.round(uniform(gamer ? 30 : 5, 100))
        : chance(0.05) ? Math.round(uniform(1, 30)) : 0;
    p.merchantPayments30d = Math.round(logNormal(20_000, 1.2));
    p.refundRateBp = Math.round(chance(0.02) ? uniform(1_000, 3_000) : logNormal(150, 0.7));
    p.disputeRateBp = Math.round(logNormal(15, 0.8));
    if (topUp && chance(0.06)) { // salaries and rent shared just under the limit, now and then
      nearLimit(p, 1 + (chance(0.15) ? 2 : random.nextInt(2)));
    }
    p.kycTier = newcomer ? (chance(0.8) ? 0 : 1) : pick(new Long[] {0L, 1L, 2L, 3L}, new double[] {0.1, 0.4, 0.4, 0.1});
    p.fraudReports = chance(0.005) ? 1 : 0;
    p.hour = Math.floorMod(Math.round(gaussian(15, 4)), 24);
    return p;
  }

  // --- fraud: each sign shows only with some probability ----------------------------------

  /** Stolen cards tried with bursts of tiny charges before the big one. */
  private void cardTesting(Payment p) {
    p.amount = 1 + random.nextInt(150);
    p.zscoreX100 = p.history < 5 ? 0 : Math.round(gaussian(-1.5, 0.7) * 100);
    if (chance(0.85)) {
      p.count1m = 4 + geometric(0.15);
    } else {
      p.count1m = 1 + random.nextInt(3);
    }
    p.count1h = p.count1m + poisson(10);
    p.count24h = p.count1h + poisson(10);
    p.typicalMinor = 60;
    p.newMerchant = chance(0.5);
    p.deviceKnown = chance(0.6);
    p.history = Math.round(logNormal(10, 1.0));
    p.kycTier = chance(0.7) ? 0 : 1;
    p.ips24h = 1 + random.nextInt(3);
  }

  /** Someone else signed in: new device and IP, far away, spending unlike the owner. */
  private void accountTakeover(Payment p) {
    if (chance(0.85)) {
      p.deviceKnown = false;
    }
    if (chance(0.7)) {
      p.devices24h = 2 + random.nextInt(3);
    }
    if (chance(0.7)) {
      p.ips24h = 2 + random.nextInt(5);
    }
    if (chance(0.55)) {
      p.travelKm = Math.round(uniform(500, 9_000));
      p.travelKmh = Math.round(uniform(1_000, 15_000));
    }
    if (chance(0.7)) {
      double z = gaussian(4, 2);
      p.amount = Math.max(1, Math.round(p.typicalMinor * StrictMath.exp(0.4 * z)));
      p.zscoreX100 = p.history < 5 ? 0 : Math.round(z * 100);
    }
    p.newMerchant = chance(0.8);
    if (chance(0.4)) {
      p.cashEquivalent = true;
      p.category = "gift_cards";
      p.cashSharePct = Math.max(p.cashSharePct, Math.round(uniform(20, 100)));
    }
    if (chance(0.5)) {
      p.hour = random.nextInt(6);
    }
    if (chance(0.1)) {
      p.fraudReports = 1;
    }
  }

  /** Stolen value turned into cash-like goods (gift cards, game currency, vouchers). */
  private void cashOut(Payment p) {
    if (chance(0.9)) {
      p.cashEquivalent = true;
      p.category = pick(new String[] {"gift_cards", "vouchers", "game_currency", "prepaid_cards"},
          new double[] {0.4, 0.2, 0.3, 0.1});
    }
    if (chance(0.85)) {
      p.cashSharePct = Math.round(uniform(70, 100));
    }
    p.count24h = p.count24h + poisson(8);
    p.amount = Math.max(1, Math.round(p.typicalMinor * uniform(1.5, 5)));
    p.zscoreX100 = p.history < 5 ? 0 : Math.round(gaussian(2, 1.2) * 100);
    p.newMerchant = chance(0.5);
    p.deviceKnown = chance(0.7);
  }

  /** Top-ups and transfers kept just under the AML limit, again and again. */
  private void structuring(Payment p) {
    p.channel = chance(0.6) ? "TOP_UP" : "P2P";
    p.category = "";
    p.cashEquivalent = false;
    p.cashSharePct = 0;
    if (chance(0.85)) {
      nearLimit(p, 2 + random.nextInt(7));
    } else {
      p.amount = Math.round(uniform(20_000, 89_000));
    }
    p.kycTier = chance(0.6) ? 0 : 1;
  }

  /** A merchant in on it: many refunds and disputes, and few genuine customers. */
  private void collusiveMerchant(Payment p) {
    if (chance(0.8)) {
      p.refundRateBp = Math.round(uniform(1_200, 5_000));
    }
    if (chance(0.8)) {
      p.disputeRateBp = Math.round(uniform(150, 1_500));
    }
    p.merchantPayments30d = Math.round(logNormal(500, 1.0));
    p.newMerchant = chance(0.6);
  }

  private void nearLimit(Payment p, long countIncludingThis) {
    p.nearLimit = true;
    p.amount = AML_LIMIT_MINOR * 90 / 100 + random.nextInt((int) (AML_LIMIT_MINOR / 10));
    p.nearLimitCount7d = countIncludingThis;
    p.nearLimitSum7d = p.amount + (countIncludingThis - 1) * Math.round(uniform(90_000, 99_999));
  }

  // --- sampling helpers ---------------------------------------------------------------------

  private boolean chance(double probability) {
    return random.nextDouble() < probability;
  }

  private double uniform(double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  private double gaussian(double mean, double sd) {
    return mean + sd * random.nextGaussian();
  }

  private double logNormal(double median, double sigma) {
    return median * StrictMath.exp(sigma * random.nextGaussian());
  }

  /** Failures before the first success, bounded so one draw cannot run away. */
  private long geometric(double success) {
    long n = 0;
    while (n < 200 && !chance(success)) {
      n++;
    }
    return n;
  }

  /** Knuth's method: fine for the small means used here. */
  private long poisson(double mean) {
    double limit = StrictMath.exp(-mean);
    double product = random.nextDouble();
    long n = 0;
    while (product > limit && n < 1_000) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  private <T> T pick(T[] values, double[] weights) {
    double roll = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < values.length - 1; i++) {
      cumulative += weights[i];
      if (roll < cumulative) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  /** One payment being drafted; becomes {@link Features} at the end. */
  private static final class Payment {
    String channel;
    String category = "";
    double typicalMinor;
    long amount;
    long history;
    long zscoreX100;
    boolean deviceKnown;
    long devices24h;
    long ips24h;
    long count1m;
    long count1h;
    long count24h;
    boolean newMerchant;
    long travelKm;
    long travelKmh;
    boolean cashEquivalent;
    long cashSharePct;
    long merchantPayments30d;
    long refundRateBp;
    long disputeRateBp;
    boolean nearLimit;
    long nearLimitCount7d;
    long nearLimitSum7d;
    long kycTier;
    long fraudReports;
    long hour;

    Features toFeatures(boolean degraded) {
      Features.Builder f = Features.builder()
          .number(FeatureNames.AMOUNT_MINOR, amount)
          .flag(FeatureNames.DEVICE_KNOWN, deviceKnown)
          .flag(FeatureNames.CASH_EQUIVALENT, cashEquivalent)
          .number(FeatureNames.KYC_TIER, kycTier)
          .number(FeatureNames.HOUR_OF_DAY, hour)
          .flag(FeatureNames.DEGRADED, degraded)
          .label(FeatureNames.CHANNEL, channel)
          .label(FeatureNames.MERCHANT_CATEGORY, category)
          .label(FeatureNames.CURRENCY, "EUR");
      if (degraded) {
        return f.build();
      }
      boolean withMerchant = !channel.equals("TOP_UP") && !channel.equals("P2P");
      // The windows hold this payment too, so each sum is at least the amount.
      f.number(FeatureNames.COUNT_1M, count1m)
          .number(FeatureNames.COUNT_1H, count1h)
          .number(FeatureNames.COUNT_24H, count24h)
          .number(FeatureNames.SUM_1M, amount + Math.round((count1m - 1) * typicalMinor))
          .number(FeatureNames.SUM_1H, amount + Math.round((count1h - 1) * typicalMinor))
          .number(FeatureNames.SUM_24H, amount + Math.round((count24h - 1) * typicalMinor))
          .number(FeatureNames.DEVICES_24H, devices24h)
          .number(FeatureNames.IPS_24H, ips24h)
          .number(FeatureNames.HISTORY_COUNT, history)
          .number(FeatureNames.AMOUNT_ZSCORE_X100, zscoreX100)
          .number(FeatureNames.TRAVEL_KM, travelKm)
          .number(FeatureNames.TRAVEL_KMH, travelKmh)
          .number(FeatureNames.CASH_EQUIV_SHARE_PCT, cashSharePct)
          .number(FeatureNames.USER_FRAUD_REPORTS, fraudReports);
      if (withMerchant) {
        f.flag(FeatureNames.NEW_MERCHANT, newMerchant)
            .number(FeatureNames.MERCHANT_PAYMENTS_30D, merchantPayments30d)
            .number(FeatureNames.MERCHANT_REFUND_RATE_BP, refundRateBp)
            .number(FeatureNames.MERCHANT_DISPUTE_RATE_BP, disputeRateBp);
      } else {
        f.flag(FeatureNames.NEAR_LIMIT, nearLimit)
            .number(FeatureNames.NEAR_LIMIT_COUNT_7D, nearLimitCount7d)
            .number(FeatureNames.NEAR_LIMIT_SUM_7D, nearLimitSum7d);
      }
      return f.build();
    }
  }
}
