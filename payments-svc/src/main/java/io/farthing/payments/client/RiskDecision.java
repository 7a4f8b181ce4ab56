package io.farthing.payments.client;

import java.util.List;

/** risk-svc's answer for one movement, or the documented fallback when it gave none in time. */
public record RiskDecision(Verdict verdict, String decisionId, int score, List<String> reasons, boolean fallback) {
  public enum Verdict {
    ALLOW,
    CHALLENGE,
    DENY
  }

  public static final String RISK_UNAVAILABLE = "RISK_UNAVAILABLE";
}
