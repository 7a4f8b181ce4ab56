package io.farthing.notify.preference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.notify.channel.ChannelKind;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static final Instant NOON = Instant.parse("2026-12-02T12:00:00Z");
  private static final UUID USER = UUID.randomUUID();

  private static Preferences prefs(Map<String, java.util.Set<ChannelKind>> channels, QuietHours quiet) {
    return new Preferences(USER, "me@example.com", "+4915112345678", channels, quiet, NOON);
  }

  @Test
  void defaultsAreInAppOnlyAndASecurityEmailOnlyWithTheAccountAddress() {
    Routing charge = Routing.decide("charge.succeeded", new JsonObject(), Preferences.defaults(USER), NOON);
    Routing security = Routing.decide("security.new_device", new JsonObject().put("email", "a@b.example"), Preferences.defaults(USER), NOON);
    Routing securityNoAddress = Routing.decide("security.locked_out", new JsonObject(), Preferences.defaults(USER), NOON);

    assertTrue(charge.inApp());
    assertNull(charge.email());
    assertNull(charge.phone());
    assertEquals("a@b.example", security.email());
    assertNull(securityNoAddress.email());
    assertTrue(securityNoAddress.inApp());
  }

  @Test
  void aTypeWinsOverItsCategoryAndContactsAreNeeded() {
    Preferences p =
        prefs(Map.of("payments", EnumSet.of(ChannelKind.IN_APP, ChannelKind.EMAIL), "charge.failed", EnumSet.of(ChannelKind.SMS)), null);

    Routing succeeded = Routing.decide("charge.succeeded", new JsonObject(), p, NOON);
    Routing failed = Routing.decide("charge.failed", new JsonObject(), p, NOON);
    Routing transfer = Routing.decide("transfer.received", new JsonObject(), p, NOON);

    assertEquals("me@example.com", succeeded.email());
    assertFalse(failed.inApp());
    assertNull(failed.email());
    assertEquals("+4915112345678", failed.phone());
    assertTrue(transfer.inApp());
    assertNull(transfer.email(), "unnamed categories get the default");
  }

  @Test
  void quietHoursHoldEmailAndSmsButNotSecurityAlerts() {
    QuietHours allDay = new QuietHours(LocalTime.of(0, 0), LocalTime.of(23, 59), ZoneId.of("UTC"));
    Preferences p = prefs(Map.of("payments", EnumSet.of(ChannelKind.EMAIL, ChannelKind.SMS)), allDay);

    Routing charge = Routing.decide("charge.succeeded", new JsonObject(), p, NOON);
    Routing security = Routing.decide("security.new_device", new JsonObject(), p, NOON);

    assertEquals(Instant.parse("2026-12-02T23:59:00Z"), charge.heldUntil());
    assertEquals(charge.heldUntil(), charge.dueAt());
    assertNull(security.heldUntil());
    assertEquals(NOON, security.dueAt());
    assertEquals("me@example.com", security.email());
    assertEquals("+4915112345678", security.phone());
  }

  @Test
  void nothingChosenMeansNowhere() {
    assertTrue(Routing.decide("topup.succeeded", new JsonObject(), prefs(Map.of("top-ups", EnumSet.noneOf(ChannelKind.class)), null), NOON).isEmpty());
  }
}
