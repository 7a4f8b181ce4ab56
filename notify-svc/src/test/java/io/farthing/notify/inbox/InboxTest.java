package io.farthing.notify.inbox;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GET /v1/inbox and marking alerts read: a person's own alerts only, newest first. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class InboxTest {
  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;

  private void charges(UUID user, long... amounts) {
    for (long amount : amounts) {
      asPublisher(notify).publish(publishing(aCharge(user).amount(amount, "EUR").build()));
    }
  }

  private static JsonPath inbox(String token, String query) {
    return given().auth().oauth2(token).get("/v1/inbox" + query).then().statusCode(200).extract().jsonPath();
  }

  @Test
  void pagesNewestFirstWithACursorThatNeverSkipsOrRepeats() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    charges(user, 101, 102, 103, 104, 105);

    List<Long> amounts = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonPath page = inbox(token, "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      page.getList("items.data.amountMinor", Long.class).forEach(amounts::add);
      assertEquals(5, page.getLong("unreadCount"));
      cursor = page.getString("nextCursor");
      pages++;
    } while (cursor != null);

    assertEquals(List.of(105L, 104L, 103L, 102L, 101L), amounts);
    assertEquals(3, pages);
  }

  @Test
  void markingReadKeepsTheFirstReadTimeAndTheUnreadFilterAndCountFollow() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    charges(user, 10, 20, 30);
    String newest = inbox(token, "").getString("items[0].id");

    String readAt =
        given().auth().oauth2(token).post("/v1/inbox/" + newest + "/read")
            .then().statusCode(200).body("id", equalTo(newest)).body("readAt", notNullValue())
            .extract().path("readAt");
    given().auth().oauth2(token).post("/v1/inbox/" + newest + "/read").then().statusCode(200).body("readAt", equalTo(readAt));

    JsonPath unread = inbox(token, "?unread=true");
    assertEquals(List.of(20L, 10L), unread.getList("items.data.amountMinor", Long.class));
    assertEquals(2, unread.getLong("unreadCount"));
    given().auth().oauth2(token).get("/v1/inbox/unread-count").then().statusCode(200).body("unreadCount", equalTo(2));
  }

  @Test
  void readAllMarksEverythingUpToNow() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    charges(user, 1, 2, 3);

    given().auth().oauth2(token).post("/v1/inbox/read-all")
        .then().statusCode(200).body("marked", equalTo(3)).body("unreadCount", equalTo(0));

    assertTrue(inbox(token, "?unread=true").getList("items").isEmpty());
    assertEquals(0, count("select count(*) from alerts where user_id = $1 and read_at is null", user));
    charges(user, 4);
    assertEquals(1, inbox(token, "").getLong("unreadCount"), "a later alert is unread again");
  }

  @Test
  void anotherUsersAlertIsNotFoundAndStaysUnread() {
    UUID owner = Ids.newId();
    charges(owner, 50);
    String alert = inbox(TestTokens.user(owner, "user"), "").getString("items[0].id");

    given().auth().oauth2(TestTokens.user(Ids.newId(), "user")).post("/v1/inbox/" + alert + "/read")
        .then().statusCode(404).contentType("application/problem+json")
        .body("type", equalTo("https://problems.farthing.io/alert-not-found"));

    assertNull(readAt(UUID.fromString(alert)));
    given().auth().oauth2(TestTokens.user(Ids.newId(), "user")).get("/v1/inbox")
        .then().statusCode(200).body("items", hasSize(0)).body("nextCursor", nullValue());
  }

  @Test
  void badIdsCursorsAndLimitsAreProblemsAndTheInboxNeedsAUserToken() {
    String token = TestTokens.user(Ids.newId(), "user");
    given().auth().oauth2(token).post("/v1/inbox/nope/read").then().statusCode(400).body("reason", equalTo("INVALID_ID"));
    given().auth().oauth2(token).get("/v1/inbox?cursor=!!").then().statusCode(400).body("reason", equalTo("INVALID_CURSOR"));
    given().auth().oauth2(token).get("/v1/inbox?limit=1000").then().statusCode(400).body("reason", equalTo("INVALID_LIMIT"));
    given().get("/v1/inbox").then().statusCode(401).contentType("application/problem+json");
    given().auth().oauth2(TestTokens.client("shop", "payments:read")).get("/v1/inbox").then().statusCode(403);
  }

  @Test
  void aRepeatedPublishMakesNoSecondAlertOrEmail() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json")
        .body("{\"email\":\"dup-" + user + "@example.com\",\"channels\":{\"payments\":[\"in_app\",\"email\"]}}")
        .put("/v1/notification-preferences").then().statusCode(200);
    Event charge = aCharge(user).amount(75, "EUR").build();

    assertTrue(!asPublisher(notify).publish(publishing(charge)).getDuplicate());
    assertTrue(asPublisher(notify).publish(publishing(charge)).getDuplicate());

    assertEquals(1, count("select count(*) from alerts where user_id = $1", user));
    assertEquals(1, count("select count(*) from outbound_messages where user_id = $1 and channel = 'email'", user));
    assertEquals(1, inbox(token, "").getList("items").size());
  }

  private long count(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next().getLong(0);
  }

  private Object readAt(UUID alert) {
    var rows = pool.preparedQuery("select read_at from alerts where id = $1").executeAndAwait(Tuple.of(alert));
    assertNotNull(rows.iterator().next());
    return rows.iterator().next().getValue(0);
  }
}
