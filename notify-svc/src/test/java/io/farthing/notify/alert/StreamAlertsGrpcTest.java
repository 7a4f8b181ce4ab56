package io.farthing.notify.alert;

import static io.farthing.notify.support.AlertEvents.aCharge;
import static io.farthing.notify.support.Events.asPublisher;
import static io.farthing.notify.support.Events.publishing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.notify.support.AlertEvents;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.support.SmsReceiver;
import io.farthing.proto.notify.v1.Alert;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.StreamAlertsRequest;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
import io.grpc.Context;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Notify.StreamAlerts: partner apps show a user's alerts, with that user's own token. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
@QuarkusTestResource(SmsReceiver.class)
class StreamAlertsGrpcTest {
  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject AlertHub hub;

  @Inject AlertStreams streams;

  @Inject AlertsConfig config;

  /**
   * An open stream on the blocking stub, read on a thread of its own; closing it cancels the call
   * through its gRPC context (so the server sees the cancellation at once).
   */
  final class Open implements AutoCloseable {
    final BlockingQueue<Alert> alerts = new LinkedBlockingQueue<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    final Context.CancellableContext context = Context.current().withCancellation();

    Open(String token, StreamAlertsRequest request) {
      NotifyGrpc.NotifyBlockingStub stub = token == null ? notify : Grpc.withToken(notify, token);
      Thread reader =
          new Thread(
              () ->
                  context.run(
                      () -> {
                        try {
                          stub.streamAlerts(request).forEachRemaining(alerts::add);
                          failure.complete(null);
                        } catch (RuntimeException e) {
                          failure.complete(e);
                        }
                      }),
              "stream-alerts-reader");
      reader.setDaemon(true);
      reader.start();
    }

    Alert next() throws InterruptedException {
      return alerts.poll(5, TimeUnit.SECONDS);
    }

    Throwable failed() throws Exception {
      return failure.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      context.cancel(null);
    }
  }

  private void awaitListening(UUID user, int streams) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (hub.streams(user) < streams) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the stream never registered");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void theUsersOwnAlertsArriveWithExactDataAndTheOldStruct() throws Exception {
    UUID user = Ids.newId();
    try (Open stream = new Open(TestTokens.user(user, "user"), StreamAlertsRequest.newBuilder().setUserId(user.toString()).build())) {
      awaitListening(user, 1);
      var event = aCharge(user).merchant("Pixel Games Ltd").amount(9_007_199_254_740_993L, "EUR").fee(3).build();
      asPublisher(notify).publish(publishing(event));

      Alert alert = stream.next();

      assertNotNull(alert, "no alert arrived");
      assertEquals("charge.succeeded", alert.getEventType());
      assertEquals(event.getEventId(), alert.getEventId());
      assertEquals(event.getOccurredAt(), alert.getEventOccurredAt());
      assertTrue(alert.getTitle().startsWith("You paid €90,071,992,547,409.93 to Pixel Games Ltd"), alert.getTitle());
      assertEquals(9_007_199_254_740_993L, new JsonObject(alert.getDataJson()).getLong("amountMinor"), "beyond 2^53, still exact");
      assertEquals("Pixel Games Ltd", alert.getData().getFieldsOrThrow("merchantName").getStringValue());
      assertTrue(alert.getData().getFieldsOrThrow("amountMinor").hasNumberValue(), "the old Struct is still filled");
    }
  }

  @Test
  void anEmptyUserIdMeansTheTokensUserAndAnotherUsersAlertsNeverArrive() throws Exception {
    UUID me = Ids.newId();
    UUID other = Ids.newId();
    try (Open stream = new Open(TestTokens.user(me, "user"), StreamAlertsRequest.getDefaultInstance())) {
      awaitListening(me, 1);
      asPublisher(notify).publish(publishing(aCharge(other).amount(700, "EUR").build()));
      asPublisher(notify).publish(publishing(AlertEvents.transferReceived(me, 250)));

      Alert alert = stream.next();

      assertEquals("transfer.received", alert.getEventType());
      assertNull(stream.alerts.poll(300, TimeUnit.MILLISECONDS), "user B's charge never reaches user A");
    }
  }

  @Test
  void anotherUsersIdIsPermissionDeniedNotYourUser() throws Exception {
    UUID me = Ids.newId();
    try (Open stream =
        new Open(TestTokens.user(me, "user"), StreamAlertsRequest.newBuilder().setUserId(Ids.newId().toString()).build())) {
      Throwable failure = stream.failed();

      assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(failure));
      assertEquals("NOT_YOUR_USER", Grpc.reason(failure));
      assertEquals(0, hub.streams(me));
    }
  }

  @Test
  void noTokenIsUnauthenticatedAndAPartnerTokenIsNotAUsersToken() throws Exception {
    try (Open anonymous = new Open(null, StreamAlertsRequest.getDefaultInstance());
        Open partner = new Open(TestTokens.client("shop", "payments:charge"), StreamAlertsRequest.getDefaultInstance())) {
      Throwable none = anonymous.failed();
      Throwable wrong = partner.failed();

      assertEquals(Status.Code.UNAUTHENTICATED, Grpc.code(none));
      assertEquals(Status.Code.PERMISSION_DENIED, Grpc.code(wrong));
      assertEquals("NOT_A_USER_TOKEN", Grpc.reason(wrong));
    }
  }

  @Test
  void afterAlertIdReplaysTheMissedAlertsThenStaysLive() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    String last;
    try (Open first = new Open(token, StreamAlertsRequest.getDefaultInstance())) {
      awaitListening(user, 1);
      asPublisher(notify).publish(publishing(aCharge(user).amount(100, "EUR").build()));
      last = first.next().getAlertId();
    }
    asPublisher(notify).publish(publishing(aCharge(user).amount(101, "EUR").build()));
    asPublisher(notify).publish(publishing(aCharge(user).amount(102, "EUR").build()));

    try (Open resumed = new Open(token, StreamAlertsRequest.newBuilder().setAfterAlertId(last).build())) {
      assertEquals(101L, new JsonObject(resumed.next().getDataJson()).getLong("amountMinor"));
      assertEquals(102L, new JsonObject(resumed.next().getDataJson()).getLong("amountMinor"));
      assertNull(resumed.alerts.poll(300, TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void aMalformedResumeIdIsInvalidArgument() throws Exception {
    try (Open stream =
        new Open(TestTokens.user(Ids.newId(), "user"), StreamAlertsRequest.newBuilder().setAfterAlertId("x").build())) {
      Throwable failure = stream.failed();

      assertEquals(Status.Code.INVALID_ARGUMENT, Grpc.code(failure));
      assertEquals("INVALID_ID", Grpc.reason(failure));
    }
  }

  @Test
  void moreStreamsThanAllowedCloseTheOldestOne() throws Exception {
    UUID user = Ids.newId();
    String token = TestTokens.user(user, "user");
    Open[] streams = new Open[6];
    try {
      for (int i = 0; i < streams.length; i++) {
        streams[i] = new Open(token, StreamAlertsRequest.getDefaultInstance());
        awaitListening(user, Math.min(i + 1, 5));
      }
      assertNull(streams[0].failed(), "the oldest stream ended normally");
      assertEquals(5, hub.streams(user));
    } finally {
      for (Open s : streams) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  @Test
  void aSubscriberThatFallsBehindIsClosedAsASlowConsumerInsteadOfBufferingWithoutBound() {
    UUID user = Ids.newId();
    // A subscriber that requests nothing: alerts wait in the stream's bounded buffer until it overflows.
    AssertSubscriber<UserAlert> stuck = streams.stream(user, null).subscribe().withSubscriber(AssertSubscriber.create(0));
    Instant now = Instant.now();
    for (int i = 0; i <= config.stream().buffer() + config.stream().replayMax(); i++) {
      hub.deliver(
          new UserAlert(Ids.newId(), user, Ids.newId(), "transfer.received", "t", "b", new JsonObject(), true, now, now, null));
    }

    Throwable failure = stuck.getFailure();
    assertInstanceOf(ApiException.class, failure);
    assertEquals(AlertHub.SLOW_CONSUMER, ((ApiException) failure).reason());
    assertEquals(0, hub.streams(user), "the slow stream is gone");
  }
}
