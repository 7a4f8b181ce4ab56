package io.farthing.notify.channel;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Email and SMS leave through the outbound worker: sent at least once, retried, then given up. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class OutboundDeliveryTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject MockMailbox mailbox;

  @Inject Pool pool;

  @Inject OutboundWorker worker;

  @ConfigProperty(name = "farthing.test.sms-receiver")
  String receiver;

  private static String aPhone() {
    return "+4915" + (100_000_000L + ThreadLocalRandom.current().nextLong(899_999_999L));
  }

  private UUID userWith(String preferences) {
    UUID user = Ids.newId();
    given().auth().oauth2(TestTokens.user(user, "user")).contentType("application/json").body(preferences)
        .put("/v1/notification-preferences").then().statusCode(200);
    return user;
  }

  @Test
  void anEmailAlertCarriesTheAlertItsReasonAndItsId() throws Exception {
    String address = "mail-" + UUID.randomUUID() + "@example.com";
    UUID user = userWith("{\"email\":\"" + address + "\",\"channels\":{\"payments\":[\"in_app\",\"email\"]}}");

    asPublisher(notify).publish(publishing(aCharge(user).merchant("Pixel Games Ltd").dailyCapRemaining(0).build()));

    Mail mail = awaitMail(address);
    Row row = row("select alert_id, status, attempts, sent_at from outbound_messages where user_id = $1", user);
    assertEquals("You paid €1.20 to Pixel Games Ltd", mail.getSubject());
    assertTrue(mail.getText().contains("Left of your daily cap today: €0.00."), mail.getText());
    assertTrue(mail.getText().contains("you chose email alerts"), mail.getText());
    assertEquals(row.getUUID("alert_id").toString(), mail.getHeaders().get("X-Farthing-Alert-Id").get(0));
    awaitStatus(user, "SENT");
    assertEquals(1, row("select attempts from outbound_messages where user_id = $1", user).getInteger(0));
  }

  @Test
  void anSmsAlertIsPostedToTheProviderWithItsKey() throws Exception {
    String phone = aPhone();
    UUID user = userWith("{\"phone\":\"" + phone + "\",\"channels\":{\"payments\":[\"sms\"]}}");

    asPublisher(notify).publish(publishing(aCharge(user).merchant("Pixel Games Ltd").build()));

    JsonObject received = awaitSms(phone);
    assertEquals("Bearer " + SmsReceiver.API_KEY, received.getString("authorization"));
    assertTrue(received.getString("contentType").startsWith("application/json"));
    assertTrue(received.getJsonObject("message").getString("body").startsWith("Farthing: You paid €1.20 to Pixel Games Ltd"));
    awaitStatus(user, "SENT");
  }

  @Test
  void anSmsTheProviderFirstRefusesIsRetriedAndSentOnce() throws Exception {
    String phone = aPhone();
    UUID user = userWith("{\"phone\":\"" + phone + "\",\"channels\":{\"payments\":[\"sms\"]}}");
    control("/_control/fail?times=1");

    asPublisher(notify).publish(publishing(aCharge(user).build()));

    awaitSms(phone);
    awaitStatus(user, "SENT");
    Row row = row("select attempts, last_error from outbound_messages where user_id = $1", user);
    assertEquals(2, row.getInteger("attempts"), "one refused attempt, one that went through");
    assertNull(row.getString("last_error"));
    assertEquals(1, smsTo(phone).size(), "delivered once");
  }

  @Test
  void anSmsThatKeepsFailingIsMarkedFailedAfterTheLastAttemptWithItsError() throws Exception {
    String phone = aPhone();
    UUID user = userWith("{\"phone\":\"" + phone + "\",\"channels\":{\"payments\":[\"sms\"]}}");
    control("/_control/fail?times=1000");
    try {
      asPublisher(notify).publish(publishing(aCharge(user).build()));

      awaitStatus(user, "FAILED");
    } finally {
      control("/_control/fail?times=0");
    }
    Row row = row("select attempts, last_error from outbound_messages where user_id = $1", user);
    assertEquals(4, row.getInteger("attempts"), "notify.alerts.outbound.max-attempts in %test");
    assertTrue(row.getString("last_error").contains("HTTP 503"), row.getString("last_error"));
    assertTrue(smsTo(phone).isEmpty());
    String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
    assertTrue(metrics.contains("farthing_notify_outbound_failed_total{channel=\"sms\"}"), "failed attempts are counted");
    assertTrue(metrics.contains("farthing_notify_outbound_gave_up_total{channel=\"sms\"}"));
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    assertEquals(100, worker.backoff(1).toMillis());
    assertEquals(200, worker.backoff(2).toMillis());
    assertEquals(400, worker.backoff(3).toMillis());
    assertEquals(400, worker.backoff(9).toMillis());
  }

  @Test
  void aDevelopmentSmsLogMasksTheNumber() {
    assertEquals("+49********78", SmsSender.masked("+491511234578"));
    assertEquals("***", SmsSender.masked("+49"));
  }

  private Mail awaitMail(String address) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      List<Mail> mails = mailbox.getMailsSentTo(address);
      if (mails != null && !mails.isEmpty()) {
        assertEquals(1, mails.size());
        return mails.get(0);
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no email to " + address);
  }

  private JsonObject awaitSms(String phone) throws Exception {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      List<JsonObject> mine = smsTo(phone);
      if (!mine.isEmpty()) {
        return mine.get(0);
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no SMS to " + phone);
  }

  private List<JsonObject> smsTo(String phone) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create(receiver + "/_control/received")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return new JsonArray(body).stream().map(o -> (JsonObject) o)
        .filter(o -> phone.equals(o.getJsonObject("message").getString("to"))).toList();
  }

  private void control(String path) throws Exception {
    HTTP.send(HttpRequest.newBuilder(URI.create(receiver + path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }

  private void awaitStatus(UUID user, String status) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15000;
    String now = null;
    while (System.currentTimeMillis() < deadline) {
      now = row("select status from outbound_messages where user_id = $1", user).getString(0);
      if (status.equals(now)) {
        return;
      }
      Thread.sleep(25);
    }
    throw new AssertionError("status is " + now + ", not " + status);
  }

  private Row row(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next();
  }
}
