package io.farthing.risk.support;

/** risk-svc's test database, {@code farthing_risk_test} unless FARTHING_TEST_DB says otherwise. */
public class RiskTestDatabase extends io.farthing.testing.LocalPostgres {
  public RiskTestDatabase() {
    super("farthing_risk_test");
  }
}
