package io.farthing.auth.support;

/** auth-svc's test database, {@code farthing_auth_test} unless FARTHING_TEST_DB says otherwise. */
public class LocalPostgres extends io.farthing.testing.LocalPostgres {
  public LocalPostgres() {
    super("farthing_auth_test");
  }
}
