package io.farthing.payments.support;

/** payments-svc's test database, {@code farthing_payments_test} unless FARTHING_TEST_DB says otherwise. */
public class PaymentsTestDatabase extends io.farthing.testing.LocalPostgres {
  public PaymentsTestDatabase() {
    super("farthing_payments_test");
  }
}
