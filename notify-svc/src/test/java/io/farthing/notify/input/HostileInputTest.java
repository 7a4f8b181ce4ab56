package io.farthing.notify.input;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.common.Ids;
import io.farthing.common.rest.Problem;
import com.google.protobuf.Timestamp;
import io.farthing.notify.support.Events;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.PublishRequest;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.Grpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Input a fuzzer sends and a real client may too: answered as the caller's fault with a stable
 * reason, and nothing stored.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class HostileInputTest {
  static final String PROBLEM = "application/problem+json";
  static final String PREFERENCES = "/v1/notification-preferences";

  @Test
  void preferencesNamingTheEmailTwiceAreMalformedAndNotStored() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json")
        .body("{\"email\":\"first@example.com\",\"channels\":{\"payments\":[\"in_app\"]},\"email\":\"second@example.com\"}")
        .put(PREFERENCES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("type", equalTo(Problem.typeFor("MALFORMED_BODY")))
        .body("reason", equalTo("MALFORMED_BODY"));
    given().auth().oauth2(token).get(PREFERENCES).then().statusCode(200).body("customised", equalTo(false));
  }

  @Test
  void aDuplicateKeyInsideANestedObjectIsMalformedToo() {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    given().auth().oauth2(token).contentType("application/json")
        .body("{\"channels\":{\"payments\":[\"in_app\"],\"payments\":[\"email\"]}}")
        .put(PREFERENCES)
        .then()
        .statusCode(400)
        .contentType(PROBLEM)
        .body("reason", equalTo("MALFORMED_BODY"));
    given().auth().oauth2(token).get(PREFERENCES).then().statusCode(200).body("customised", equalTo(false));
  }

  /** JSON escapes, written out: the body carries them as sent. */
  static final String NUL = "\\u0000";
  static final String LONE_SURROGATE = "\\uD800";

  @Test
  void preferencesWithNulOrALoneSurrogateAreInvalidCharacterAndNotStored() {
    for (String bad : new String[] {NUL, LONE_SURROGATE}) {
      UUID user = Ids.newId();
      String token = TestTokens.user(user, "user");
      given().auth().oauth2(token).contentType("application/json")
          .body("{\"email\":\"me" + bad + "@example.com\",\"channels\":{\"payments\":[\"in_app\"]}}")
          .put(PREFERENCES)
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("type", equalTo(Problem.typeFor("INVALID_CHARACTER")))
          .body("reason", equalTo("INVALID_CHARACTER"))
          .body("detail", startsWith("email contains"));
      // In a field name: NUL is INVALID_CHARACTER; a lone surrogate Jackson's own parser already
      // refuses as it decodes the name (MALFORMED_BODY). Either way a 400 and nothing stored.
      given().auth().oauth2(token).contentType("application/json")
          .body("{\"channels\":{\"pay" + bad + "\":[\"in_app\"]}}")
          .put(PREFERENCES)
          .then()
          .statusCode(400)
          .contentType(PROBLEM)
          .body("reason", equalTo(bad.equals(NUL) ? "INVALID_CHARACTER" : "MALFORMED_BODY"));
      given().auth().oauth2(token).get(PREFERENCES).then().statusCode(200).body("customised", equalTo(false));
    }
  }

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  Event anEvent(UUID user) {
    return Events.chargeSucceeded(user, "fcl_shop", 250, 5);
  }

  void refusedAndNotStored(Event event, String reason) {
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class,
            () -> Events.asPublisher(notify).publish(PublishRequest.newBuilder().setEvent(event).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e), e.getStatus().toString());
    assertEquals(reason, Grpc.reason(e));
    assertEquals(0L, count("select count(*) from events where event_id = $1", UUID.fromString(event.getEventId())));
  }

  @Test
  void anEventWithNulInAFieldOrInItsJsonIsInvalidCharacterAndNotStored() {
    UUID user = Ids.newId();
    refusedAndNotStored(anEvent(user).toBuilder().setOrderingKey("charge:\u0000").build(), "INVALID_CHARACTER");
    refusedAndNotStored(anEvent(user).toBuilder().setDataJson("{\"description\":\"Art" + NUL + "icle\"}").build(), "INVALID_CHARACTER");
    refusedAndNotStored(anEvent(user).toBuilder().setDataJson("{\"description\":\"Art" + LONE_SURROGATE + "\"}").build(), "INVALID_CHARACTER");
    refusedAndNotStored(anEvent(user).toBuilder().setDataJson("{\"n" + NUL + "\":1}").build(), "INVALID_CHARACTER");
    // The same event, clean, is stored.
    Event clean = anEvent(user);
    Events.asPublisher(notify).publish(PublishRequest.newBuilder().setEvent(clean).build());
    assertEquals(1L, count("select count(*) from events where event_id = $1", UUID.fromString(clean.getEventId())));
  }

  @Test
  void anEventOccurringOutsideTheTimestampsRangeIsInvalidTimestampAndNotStored() {
    UUID user = Ids.newId();
    for (long seconds : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 253_402_300_800L}) {
      refusedAndNotStored(
          anEvent(user).toBuilder().setOccurredAt(Timestamp.newBuilder().setSeconds(seconds)).build(), "INVALID_TIMESTAMP");
    }
    refusedAndNotStored(
        anEvent(user).toBuilder().setOccurredAt(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(-1)).build(),
        "INVALID_TIMESTAMP");
  }

  @Test
  void aWebhookEndpointWithNulInItsFieldsIsInvalidCharacterAndNotCreated() {
    String partner = "fcl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    var asPartner = Grpc.withToken(webhooks, TestTokens.client(partner, "webhooks:manage"));
    List<CreateWebhookEndpointRequest> bad =
        List.of(
            CreateWebhookEndpointRequest.newBuilder().setUrl("https://hooks.example.com/a\u0000").build(),
            CreateWebhookEndpointRequest.newBuilder().setUrl("https://hooks.example.com/a").setDescription("orders\u0000").build(),
            CreateWebhookEndpointRequest.newBuilder().setUrl("https://hooks.example.com/a").addEventTypes("charge.\u0000").build(),
            CreateWebhookEndpointRequest.newBuilder().setUrl("https://hooks.example.com/a").setContactEmail("ops\u0000@x.example").build());
    for (CreateWebhookEndpointRequest request : bad) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> asPartner.createEndpoint(request));
      assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e), e.getStatus().toString());
      assertEquals("INVALID_CHARACTER", Grpc.reason(e));
    }
    assertEquals(0L, count("select count(*) from webhook_endpoints where partner_client_id = $1", partner));
  }

  @GrpcClient("notify")
  io.grpc.Channel channel;

  @Test
  void bytesThatAreNotAPublishRequestAreMalformedRequest() throws Exception {
    String token = TestTokens.client("payments-svc", "notify:publish");
    io.farthing.testing.RawGrpc.unparsable(1)
        .forEach(
            (what, bytes) -> {
              StatusRuntimeException e =
                  assertThrows(StatusRuntimeException.class,
                      () -> io.farthing.testing.RawGrpc.unary(channel, "farthing.notify.v1.Notify/Publish", token, bytes), what);
              assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(e), what + ": " + e.getStatus());
              assertEquals("MALFORMED_REQUEST", Grpc.reason(e), what);
            });
    // The same path with a valid message is answered and stored.
    Event clean = anEvent(Ids.newId());
    io.farthing.testing.RawGrpc.unary(channel, "farthing.notify.v1.Notify/Publish", token,
        PublishRequest.newBuilder().setEvent(clean).build().toByteArray());
    assertEquals(1L, count("select count(*) from events where event_id = $1", UUID.fromString(clean.getEventId())));
  }

  long count(String sql, Object... args) {
    return pool.preparedQuery(sql).execute(Tuple.from(args)).await().indefinitely().iterator().next().getLong(0);
  }

  @Inject Pool pool;
}
