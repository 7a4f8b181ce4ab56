package io.farthing.auth.common;

import java.util.Set;

/** Every OAuth2 scope a partner or internal client may hold; tokens carry them as groups too. */
public final class Scopes {
  /** Internal callers (payments-svc): step-up challenges, consent checks, user look-ups. */
  public static final String AUTH_INTERNAL = "auth:internal";
  public static final String PAYMENTS_CHARGE = "payments:charge";
  public static final String PAYMENTS_REFUND = "payments:refund";
  public static final String PAYMENTS_READ = "payments:read";
  public static final String WEBHOOKS_MANAGE = "webhooks:manage";
  /** Internal callers of risk-svc (payments-svc): Score and GetDecision. */
  public static final String RISK_SCORE = "risk:score";
  /** Internal callers of risk-svc: ReportOutcome (fraud, disputes, refunds). */
  public static final String RISK_REPORT = "risk:report";
  /** Internal publishers of events to notify-svc (payments-svc, auth-svc): Publish. */
  public static final String NOTIFY_PUBLISH = "notify:publish";

  public static final Set<String> ALL =
      Set.of(
          AUTH_INTERNAL,
          PAYMENTS_CHARGE,
          PAYMENTS_REFUND,
          PAYMENTS_READ,
          WEBHOOKS_MANAGE,
          RISK_SCORE,
          RISK_REPORT,
          NOTIFY_PUBLISH);

  private Scopes() {}
}
