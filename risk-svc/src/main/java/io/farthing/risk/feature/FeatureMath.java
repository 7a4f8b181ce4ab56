package io.farthing.risk.feature;

import io.farthing.risk.score.Channel;
import io.farthing.risk.score.RiskContext.GeoPoint;

/** The pure arithmetic behind the features: no Redis, no clock, integer results. */
final class FeatureMath {
  /** Mean Earth radius (IUGG), km. */
  private static final double EARTH_RADIUS_KM = 6371.0088;

  /** Below this, travel speed is computed as if this much time had passed. */
  static final long MIN_TRAVEL_SECONDS = 60;

  /** Fewer past payments than this give no z-score (0). */
  static final long MIN_HISTORY_FOR_ZSCORE = 5;

  /**
   * The standard deviation is never taken below 10 % of the mean (and never below one minor
   * unit). Without a floor a user who always paid exactly the same amount has variance 0 and any
   * other amount would be infinitely anomalous; with it, paying 10x the usual amount reads as
   * z = 90 (9,000 here) and a cent more than usual as a small number.
   */
  static final double STD_DEV_FLOOR_SHARE_OF_MEAN = 0.10;

  /** |z| x 100 is capped here: beyond 10,000 standard deviations the size carries no news. */
  static final long MAX_ABS_ZSCORE_X100 = 1_000_000;

  private FeatureMath() {}

  /**
   * The AML "just under the limit" test: {@code limit x percent / 100 <= amount < limit}, top-ups
   * and P2P only. The lower bound is rounded up, so with integer maths an amount is in exactly
   * when {@code amount x 100 >= limit x percent}.
   */
  static boolean nearLimit(Channel channel, long amountMinor, long limitMinor, int nearLimitPercent) {
    if (channel == null || !channel.watchedForStructuring()) {
      return false;
    }
    long lowest = Math.ceilDiv(Math.multiplyExact(limitMinor, nearLimitPercent), 100L);
    return amountMinor >= lowest && amountMinor < limitMinor;
  }

  /**
   * (amount - mean) / standard deviation x 100, rounded; 0 with fewer than {@link
   * #MIN_HISTORY_FOR_ZSCORE} past payments. Uses the sample variance {@code m2 / (n - 1)} and the
   * floor of {@link #STD_DEV_FLOOR_SHARE_OF_MEAN}.
   */
  static long zscoreX100(long amountMinor, long historyCount, double mean, double m2) {
    if (historyCount < MIN_HISTORY_FOR_ZSCORE) {
      return 0;
    }
    double variance = Math.max(0.0, m2 / (historyCount - 1));
    double floor = Math.max(1.0, Math.abs(mean) * STD_DEV_FLOOR_SHARE_OF_MEAN);
    double stdDev = Math.max(Math.sqrt(variance), floor);
    double z = (amountMinor - mean) / stdDev * 100.0;
    if (Double.isNaN(z)) {
      return 0;
    }
    return Math.max(-MAX_ABS_ZSCORE_X100, Math.min(MAX_ABS_ZSCORE_X100, Math.round(z)));
  }

  /** Great-circle distance, rounded to whole km. */
  static long haversineKm(GeoPoint from, GeoPoint to) {
    double lat1 = Math.toRadians(from.latitudeE6() / 1e6);
    double lat2 = Math.toRadians(to.latitudeE6() / 1e6);
    double dLat = lat2 - lat1;
    double dLon = Math.toRadians((to.longitudeE6() - from.longitudeE6()) / 1e6);
    double h =
        Math.sin(dLat / 2) * Math.sin(dLat / 2)
            + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    double c = 2 * Math.atan2(Math.sqrt(h), Math.sqrt(Math.max(0.0, 1 - h)));
    return Math.round(EARTH_RADIUS_KM * c);
  }

  /**
   * km x 3600 / seconds, with at least {@link #MIN_TRAVEL_SECONDS} seconds so two requests in
   * the same second do not read as infinite speed. An event older than the stored location
   * (out of order) counts its distance in time the same way.
   */
  static long speedKmh(long km, long elapsedMs) {
    long seconds = Math.max(MIN_TRAVEL_SECONDS, Math.abs(elapsedMs) / 1000);
    return km * 3600 / seconds;
  }

  /** count x 10,000 / payments, in basis points; 0 without payments. */
  static long rateBp(long count, long payments) {
    return payments <= 0 ? 0 : count * 10_000 / payments;
  }

  /** part x 100 / whole, in percent; 0 when whole is 0. */
  static long sharePct(long part, long whole) {
    return whole <= 0 ? 0 : part * 100 / whole;
  }

  /** 2^53: below it every integer is exact as a double, the number type of Redis's Lua. */
  static final long EXACT_IN_LUA = 1L << 53;

  /**
   * The amount a payment adds to the windowed sums kept in Redis (sum_1m…24h, cash-like spend,
   * near-limit sum, risk budget): its own, but at most {@code 2^53 / (3 × maxEventsPerUser)}, so
   * that a sum over the most events a window keeps, even risk-weighted (up to 3×), stays an
   * integer Lua's doubles hold exactly. Without the bound one int64-sized amount made the sums
   * 2^63 in Lua, which Redis hands back as Long.MIN_VALUE: a negative spend no velocity rule fires
   * on. The bound (about 1.5 × 10^12 minor units with 2000 events) is far above any real payment,
   * and any rule's threshold still sees such a payment as huge.
   */
  static long summedAmount(long amountMinor, int maxEventsPerUser) {
    long cap = EXACT_IN_LUA / (3L * Math.max(1, maxEventsPerUser));
    return Math.max(0, Math.min(amountMinor, cap));
  }

  /**
   * What an allowed payment costs of the risk budget: {@code amount x (1000 + 2 x score) / 1000},
   * so a payment scored 0 costs its amount and one scored 1000 three times it. Saturates instead
   * of overflowing.
   */
  static long riskWeightedMinor(long amountMinor, int score) {
    long factor = 1000L + 2L * Math.max(0, Math.min(1000, score));
    try {
      return Math.multiplyExact(amountMinor, factor) / 1000;
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE;
    }
  }
}
