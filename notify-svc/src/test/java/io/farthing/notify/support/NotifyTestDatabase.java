package io.farthing.notify.support;

/** notify-svc's test database, {@code farthing_notify_test} unless FARTHING_TEST_DB says otherwise. */
public class NotifyTestDatabase extends io.farthing.testing.LocalPostgres {
  public NotifyTestDatabase() {
    super("farthing_notify_test");
  }
}
