package io.farthing.notify.event;

import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.chargeSucceeded;
import static io.farthing.notify.support.Events.publishing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.proto.notify.v1.Event;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Publish accepts each event once, whoever repeats it, and refuses what it could never deliver. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class PublishTest {
  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub plain;

  @Inject Pool pool;

  @Test
  void acceptsAnEventOnceAndAcknowledgesItsRepeatsAsDuplicates() {
    Event event = chargeSucceeded(Ids.newId(), "shop-" + UUID.randomUUID(), 120, 3);

    assertFalse(asPublisher(plain).publish(publishing(event)).getDuplicate());
    assertTrue(asPublisher(plain).publish(publishing(event)).getDuplicate());
    assertTrue(asPublisher(plain).publish(publishing(event)).getDuplicate());

    assertEquals(1, count("select count(*) from events where event_id = $1", UUID.fromString(event.getEventId())));
    long amount =
        pool.preparedQuery("select (data->>'amountMinor')::bigint from events where event_id = $1")
            .executeAndAwait(Tuple.of(UUID.fromString(event.getEventId())))
            .iterator().next().getLong(0);
    assertEquals(120, amount, "amounts arrive as exact integers");
  }

  @Test
  void refusesAnUnknownEventTypeAndStoresNothing() {
    Event event = chargeSucceeded(Ids.newId(), "shop", 100, 1).toBuilder().setType("charge.teleported").build();

    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> asPublisher(plain).publish(publishing(event)));

    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("UNKNOWN_EVENT_TYPE", Grpc.reason(refused));
    assertEquals(0, count("select count(*) from events where event_id = $1", UUID.fromString(event.getEventId())));
  }

  @Test
  void refusesAnEventWithoutIdOrWithAMalformedOne() {
    Event noId = chargeSucceeded(Ids.newId(), "shop", 100, 1).toBuilder().clearEventId().build();
    Event badId = noId.toBuilder().setEventId("not-a-uuid").build();

    StatusRuntimeException missing =
        assertThrows(StatusRuntimeException.class, () -> asPublisher(plain).publish(publishing(noId)));
    StatusRuntimeException malformed =
        assertThrows(StatusRuntimeException.class, () -> asPublisher(plain).publish(publishing(badId)));

    assertEquals("MISSING_FIELD", Grpc.reason(missing));
    assertEquals("INVALID_ID", Grpc.reason(malformed));
    assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
  }

  @Test
  void refusesDataThatIsNotAJsonObject() {
    Event event = chargeSucceeded(Ids.newId(), "shop", 100, 1).toBuilder().setDataJson("[1,2]").build();

    StatusRuntimeException refused =
        assertThrows(StatusRuntimeException.class, () -> asPublisher(plain).publish(publishing(event)));

    assertEquals("INVALID_DATA", Grpc.reason(refused));
  }

  @Test
  void onlyAServiceWithThePublishScopeMayPublish() {
    Event event = chargeSucceeded(Ids.newId(), "shop", 100, 1);

    StatusRuntimeException anonymous =
        assertThrows(StatusRuntimeException.class, () -> plain.publish(publishing(event)));
    StatusRuntimeException partner =
        assertThrows(
            StatusRuntimeException.class,
            () -> Grpc.withToken(plain, TestTokens.client("shop", "payments:charge")).publish(publishing(event)));
    StatusRuntimeException user =
        assertThrows(
            StatusRuntimeException.class,
            () -> Grpc.withToken(plain, TestTokens.user(Ids.newId(), "user")).publish(publishing(event)));

    assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, partner.getStatus().getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, user.getStatus().getCode());
    assertEquals(0, count("select count(*) from events where event_id = $1", UUID.fromString(event.getEventId())));
  }

  private long count(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next().getLong(0);
  }
}
