package io.farthing.e2e.harness;

/**
 * How the load tests ask risk-svc, through its admin API, to let their bursts through: merchants
 * of category {@link #CATEGORY} are allow-listed (a rule forcing ALLOW, as an operator would for a
 * trusted merchant), and the {@code risk-budget} rule — which forces CHALLENGE once one user has
 * spent 20.00 in a day, and so would turn most of a 200-charge burst into challenges — is
 * disabled while they run. risk-svc still scores every charge (features, rules, model, a stored
 * decision); only its verdict is settled. Amounts stay above 1.00 so that {@code card-testing}
 * (forced DENY, which no allow-listing overrides) does not fire.
 */
public final class LoadRiskPolicy {
  public static final String CATEGORY = "e2e_load";
  private static final String RISK_BUDGET = "risk-budget";

  private LoadRiskPolicy() {}

  public static void apply(Platform platform) {
    platform.allowListCategory(CATEGORY);
    platform.disableRule(RISK_BUDGET);
  }

  public static void restore(Platform platform) {
    platform.enableRule(RISK_BUDGET);
  }
}
