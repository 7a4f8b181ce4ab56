package io.farthing.notify.preference;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.AlertEvents;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.MockMailbox;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET/PUT /v1/notification-preferences, and what they do to the next alerts. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class PreferencesTest {
  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject MockMailbox mailbox;

  @Inject Pool pool;

  private static void put(String token, String body) {
    given().auth().oauth2(token).contentType("application/json").body(body).put("/v1/notification-preferences")
        .then().statusCode(200);
  }

  private static void refused(String body, String reason) {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json").body(body).put("/v1/notification-preferences")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo(io.farthing.common.rest.Problem.typeFor(reason)))
        .body("reason", equalTo(reason));
    given().auth().oauth2(token).get("/v1/notification-preferences").then().statusCode(200).body("customised", equalTo(false));
  }

  private List<Mail> mailsTo(String address, long waitMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + waitMs;
    List<Mail> mails = mailbox.getMailsSentTo(address);
    while ((mails == null || mails.isEmpty()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(25);
      mails = mailbox.getMailsSentTo(address);
    }
    return mails == null ? List.of() : mails;
  }

  @Test
  void aUserWhoNeverChoseGetsInAppOnlyAndSecurityAlertsAtTheAccountAddress() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).get("/v1/notification-preferences")
        .then().statusCode(200)
        .body("customised", equalTo(false)).body("email", nullValue()).body("defaultChannels", contains("in_app"))
        .body("alwaysSent", hasItem("security.new_device"));
    String account = "acct-" + user + "@example.com";

    asPublisher(notify).publish(publishing(aCharge(user).build()));
    asPublisher(notify).publish(publishing(AlertEvents.newDevice(user, account)));

    assertEquals(2, count("select count(*) from alerts where user_id = $1 and in_app", user));
    List<Mail> mails = mailsTo(account, 5000);
    assertEquals(1, mails.size(), "only the security alert is emailed");
    assertEquals("New sign-in to your account", mails.get(0).getSubject());
    assertTrue(mails.get(0).getText().contains("Pixel 9"), mails.get(0).getText());
    assertEquals(1, count("select count(*) from outbound_messages where user_id = $1", user));
  }

  @Test
  void storesAndReturnsChoicesContactsAndQuietHours() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    put(token, "{\"email\":\"me@example.com\",\"phone\":\"+4915112345678\",\"channels\":{\"payments\":[\"in_app\",\"email\"],"
        + "\"charge.failed\":[\"sms\"]},\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\",\"timeZone\":\"Europe/Berlin\"}}");

    given().auth().oauth2(token).get("/v1/notification-preferences")
        .then().statusCode(200)
        .body("customised", equalTo(true))
        .body("email", equalTo("me@example.com"))
        .body("phone", equalTo("+4915112345678"))
        .body("channels.payments", contains("in_app", "email"))
        .body("channels.'charge.failed'", contains("sms"))
        .body("quietHours.start", equalTo("22:00"))
        .body("quietHours.end", equalTo("07:00"))
        .body("quietHours.timeZone", equalTo("Europe/Berlin"));
  }

  @Test
  void refusesBadContactsChannelsKeysAndQuietHoursWithStableTypesAndStoresNothing() {
    refused("{\"email\":\"not an address\"}", "INVALID_EMAIL");
    refused("{\"phone\":\"015112345678\"}", "INVALID_PHONE");
    refused("{\"phone\":\"+0123456789\"}", "INVALID_PHONE");
    refused("{\"channels\":{\"payments\":[\"pigeon\"]}}", "INVALID_CHANNEL");
    refused("{\"channels\":{\"payments\":\"email\"}}", "INVALID_CHANNEL");
    refused("{\"channels\":{\"security.new_device\":[\"in_app\"]}}", "UNKNOWN_PREFERENCE_KEY");
    refused("{\"channels\":{\"charge.teleported\":[\"in_app\"]}}", "UNKNOWN_PREFERENCE_KEY");
    refused("{\"channels\":{\"payments\":[\"email\"]}}", "MISSING_CONTACT");
    refused("{\"quietHours\":{\"start\":\"25:00\",\"end\":\"07:00\",\"timeZone\":\"UTC\"}}", "INVALID_QUIET_HOURS");
    refused("{\"quietHours\":{\"start\":\"07:00\",\"end\":\"07:00\",\"timeZone\":\"UTC\"}}", "INVALID_QUIET_HOURS");
    refused("{\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\",\"timeZone\":\"Mars/Olympus\"}}", "INVALID_TIME_ZONE");
    refused("{\"quietHours\":{\"start\":\"22:00\",\"end\":\"07:00\",\"timeZone\":\"+02:00\"}}", "INVALID_TIME_ZONE");
    refused("{\"colour\":\"blue\"}", "UNKNOWN_FIELD");
    refused("[1]", "MALFORMED_BODY");
  }

  @Test
  void quietHoursHoldAnEmailUntilTheyEndWhileTheInboxRecordsAtOnce() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String address = "quiet-" + user + "@example.com";
    Instant now = Instant.now();
    Instant end = now.plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
    String start = now.minus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.UTC).toLocalTime().truncatedTo(ChronoUnit.MINUTES).toString();
    put(token, "{\"email\":\"" + address + "\",\"channels\":{\"payments\":[\"in_app\",\"email\"]},\"quietHours\":{\"start\":\""
        + start + "\",\"end\":\"" + end.atOffset(ZoneOffset.UTC).toLocalTime() + "\",\"timeZone\":\"UTC\"}}");

    asPublisher(notify).publish(publishing(aCharge(user).merchant("Night Shop").build()));

    assertEquals(1, count("select count(*) from alerts where user_id = $1 and in_app", user), "the inbox records at once");
    Row held = pool.preparedQuery("select held_until, due_at, status from outbound_messages where user_id = $1")
        .executeAndAwait(Tuple.of(user)).iterator().next();
    assertEquals(end, held.getOffsetDateTime("held_until").toInstant(), "held until the quiet period ends");
    assertEquals(end, held.getOffsetDateTime("due_at").toInstant());
    assertTrue(mailsTo(address, 700).isEmpty(), "nothing is sent during quiet hours");

    // The quiet period ends: the message is due, and the worker sends it.
    pool.preparedQuery("update outbound_messages set due_at = now() where user_id = $1").executeAndAwait(Tuple.of(user));
    List<Mail> mails = mailsTo(address, 5000);
    assertEquals(1, mails.size());
    assertEquals("You paid €1.20 to Night Shop", mails.get(0).getSubject());
    assertEquals("SENT", status(user, "email"));
  }

  @Test
  void securityAlertsIgnoreOptOutsAndQuietHoursAndReachEveryContact() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String address = "sec-" + user + "@example.com";
    put(token, "{\"email\":\"" + address + "\",\"phone\":\"+4915100000001\",\"channels\":{\"payments\":[\"in_app\"]},"
        + "\"quietHours\":{\"start\":\"00:00\",\"end\":\"23:59\",\"timeZone\":\"UTC\"}}");

    asPublisher(notify).publish(publishing(AlertEvents.newDevice(user, null)));

    List<Mail> mails = mailsTo(address, 5000);
    assertEquals(1, mails.size(), "sent at once, to the alert address (no account address in the event)");
    assertTrue(mails.get(0).getText().contains("Security alerts are always sent"), mails.get(0).getText());
    Row sms = pool.preparedQuery("select held_until, recipient from outbound_messages where user_id = $1 and channel = 'sms'")
        .executeAndAwait(Tuple.of(user)).iterator().next();
    assertNull(sms.getValue("held_until"), "quiet hours do not hold security alerts");
    assertEquals("+4915100000001", sms.getString("recipient"));
    assertEquals(1, count("select count(*) from alerts where user_id = $1 and in_app", user));
  }

  @Test
  void theAccountAddressFromTheEventWinsForSecurityAlerts() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    put(token, "{\"email\":\"alerts-" + user + "@example.com\"}");
    String account = "account-" + user + "@example.com";

    asPublisher(notify).publish(publishing(AlertEvents.newDevice(user, account)));

    assertEquals(1, mailsTo(account, 5000).size());
    given().auth().oauth2(token).get("/v1/inbox").then().statusCode(200)
        .body("items[0].type", equalTo("security.new_device"))
        .body("items[0].data.deviceName", equalTo("Pixel 9"))
        .body("items[0].data.email", nullValue());
    assertTrue(mailbox.getMailsSentTo("alerts-" + user + "@example.com") == null
        || mailbox.getMailsSentTo("alerts-" + user + "@example.com").isEmpty());
  }

  @Test
  void aTypeOptedOutOfEmailStillReachesTheInboxAndATypeWinsOverItsCategory() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String address = "opt-" + user + "@example.com";
    put(token, "{\"email\":\"" + address + "\",\"channels\":{\"payments\":[\"in_app\",\"email\"],\"charge.succeeded\":[\"in_app\"]}}");

    asPublisher(notify).publish(publishing(aCharge(user).build()));
    asPublisher(notify).publish(publishing(aCharge(user).type("charge.failed").build()));

    List<Mail> mails = mailsTo(address, 5000);
    assertEquals(1, mails.size());
    assertTrue(mails.get(0).getSubject().contains("declined"), mails.get(0).getSubject());
    assertEquals(2, count("select count(*) from alerts where user_id = $1 and in_app", user), "both are in the inbox");
  }

  @Test
  void switchingInAppOffForACategoryKeepsItOutOfTheInboxButStillEmails() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String address = "noapp-" + user + "@example.com";
    put(token, "{\"email\":\"" + address + "\",\"channels\":{\"transfers\":[\"email\"]}}");

    asPublisher(notify).publish(publishing(AlertEvents.transferReceived(user, 500)));

    assertEquals(1, mailsTo(address, 5000).size());
    given().auth().oauth2(token).get("/v1/inbox").then().statusCode(200).body("items.size()", equalTo(0));
    given().auth().oauth2(token).get("/v1/inbox/unread-count").then().body("unreadCount", equalTo(0));
  }

  @Test
  void aCategoryWithNoChannelsAtAllWritesNothing() {
    UUID user = Ids.newId();
    put(TestTokens.user(user, "user"), "{\"channels\":{\"top-ups\":[]}}");
    var event = io.farthing.notify.support.Events.event(
        "topup.succeeded", user, null, "topup:" + Ids.newId(), 1,
        new io.vertx.core.json.JsonObject().put("currency", "EUR").put("amountMinor", 2000));

    asPublisher(notify).publish(publishing(event));

    assertEquals(0, count("select count(*) from alerts where user_id = $1", user));
    assertEquals(1, count("select count(*) from events where user_id = $1", user), "the event itself is stored");
  }

  private String status(UUID user, String channel) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 3000;
    String status;
    do {
      status = pool.preparedQuery("select status from outbound_messages where user_id = $1 and channel = $2")
          .executeAndAwait(Tuple.of(user, channel)).iterator().next().getString(0);
      if ("SENT".equals(status)) {
        return status;
      }
      Thread.sleep(25);
    } while (System.currentTimeMillis() < deadline);
    return status;
  }

  private long count(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next().getLong(0);
  }
}
