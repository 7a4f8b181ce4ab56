package io.farthing.payments.tab;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Every {@code payments.tabs.*} key, with its default. Documented in payments-svc/README.md
 * ("Tabs") and docs/configuration.md.
 */
@ConfigMapping(prefix = "payments.tabs")
public interface TabsConfig {

  /** The threshold of a tab whose partner names none, in basis points of its cap (default 50 %). */
  @WithDefault("5000")
  int defaultThresholdBps();

  /** The lowest threshold a partner may ask for: fewer, larger settlements keep the ledger small. */
  @WithDefault("1")
  long minThresholdMinor();

  /** The time limit of a tab whose partner names none. */
  @WithDefault("PT24H")
  Duration defaultTimeLimit();

  /** Shortest and longest time limit a partner may ask for. */
  @WithDefault("PT1M")
  Duration minTimeLimit();

  @WithDefault("P30D")
  Duration maxTimeLimit();

  /** Longest tab or item description (characters). */
  @WithDefault("200")
  int maxDescriptionLength();

  /** How many of the newest items GetTab and GET /v1/tabs/{id} show. */
  @WithDefault("100")
  int maxItemsShown();

  /** How many tabs GET /v1/tabs lists, newest first. */
  @WithDefault("50")
  int maxTabsListed();

  /** How often each replica's janitor looks for tabs past their time limit ("off" disables it). */
  @WithDefault("5s")
  String janitorInterval();

  /**
   * A metered tab that has counted no usage for this long is closed IDLE by the janitor: what
   * was used is captured and the rest released, also when the replica holding its stream died.
   */
  @WithDefault("PT2M")
  Duration meterIdleTimeout();

  /** How many tabs past their time limit (or metered and idle) one janitor pass settles and closes. */
  @WithDefault("50")
  int janitorBatch();
}
