package io.farthing.payments.dispute;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;

/**
 * Every {@code payments.disputes.*} key, with its default. Documented in payments-svc/README.md
 * ("Disputes") and docs/configuration.md.
 */
@ConfigMapping(prefix = "payments.disputes")
public interface DisputesConfig {

  /**
   * A dispute of less than this (minor units of the charge's currency; what is left to refund of
   * it) is refunded at once, without review. 0 turns instant refunds off.
   */
  @WithDefault("100")
  long instantRefundBelowMinor();

  /** Per-currency overrides of {@link #instantRefundBelowMinor()}, e.g. {@code JPY=100}. */
  Map<String, Long> instantRefundBelowMinorByCurrency();

  /** How long after its capture a user may dispute a charge. */
  @WithDefault("P120D")
  Duration window();

  /** How long the merchant has to send evidence; a dispute still OPEN after it is LOST. */
  @WithDefault("P7D")
  Duration evidenceWindow();

  /** Longest user note, evidence summary and support note (characters). */
  @WithDefault("2000")
  int maxTextLength();

  /** Most references in one evidence submission, and the longest one (characters). */
  @WithDefault("20")
  int maxEvidenceRefs();

  @WithDefault("500")
  int maxRefLength();

  /** How often each replica looks for disputes whose evidence is overdue ("off" disables it). */
  @WithDefault("30s")
  String janitorInterval();

  /** How many overdue disputes one pass resolves. */
  @WithDefault("50")
  int janitorBatch();

  default long instantRefundBelow(String currency) {
    return instantRefundBelowMinorByCurrency().getOrDefault(currency, instantRefundBelowMinor());
  }
}
