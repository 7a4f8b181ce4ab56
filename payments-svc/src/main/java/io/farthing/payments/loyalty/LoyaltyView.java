package io.farthing.payments.loyalty;

import java.util.List;

/** GET /v1/loyalty: the programme's terms and the user's points per currency. */
public record LoyaltyView(boolean enabled, int earnBps, long minRedeemMinor, List<Points> balances) {

  /** Points in one currency: what can be redeemed now, and how it came to be. */
  public record Points(
      String currency,
      long pointsMinor,
      long earnedMinor,
      long clawedBackMinor,
      long redeemedMinor,
      long owedMinor) {}

  public static LoyaltyView of(LoyaltyConfig config, List<LoyaltyBalance> balances) {
    return new LoyaltyView(
        config.enabled(),
        config.earnBps(),
        config.minRedeemMinor(),
        balances.stream()
            .map(
                b ->
                    new Points(
                        b.currency(), b.pointsMinor(), b.earnedMinor(), b.clawedBackMinor(), b.redeemedMinor(),
                        b.owedMinor()))
            .toList());
  }
}
