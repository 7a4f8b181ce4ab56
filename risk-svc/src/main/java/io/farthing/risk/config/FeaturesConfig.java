package io.farthing.risk.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** How features are kept in Redis and how long reading them may take. */
@ConfigMapping(prefix = "risk.features")
public interface FeaturesConfig {

  /**
   * The most one Score may wait for Redis. Past it (or with Redis down) the answer is the
   * degraded one. The caller's gRPC deadline shortens it further.
   */
  @WithDefault("25ms")
  Duration timeout();

  /** Merchant categories whose goods count as cash-equivalent. */
  @WithDefault("gift_cards,vouchers,game_currency,prepaid_cards,crypto,money_transfer")
  Set<String> cashEquivalentCategories();

  /** Bound on the payments kept per user for the 24-hour windows (oldest dropped first). */
  @WithDefault("2000")
  int maxEventsPerUser();

  /** A retry with the same request_id within this window answers the first decision. */
  @WithDefault("PT10M")
  Duration replayWindow();

  /**
   * How long a user's slow-moving features survive without activity: the merchants they paid
   * (new_merchant), their amount statistics (history_count, amount_zscore_x100) and their last
   * location (travel_km).
   */
  @WithDefault("P180D")
  Duration userMemory();

  /**
   * Up to this many payments in 24 hours a user's windowed sums are recomputed from their events
   * on every Score; beyond it they are kept as running sums that each Score only adjusts, so a
   * very active user costs Redis a bounded amount of work per Score.
   */
  @WithDefault("64")
  int incrementalSumsAbove();
}
