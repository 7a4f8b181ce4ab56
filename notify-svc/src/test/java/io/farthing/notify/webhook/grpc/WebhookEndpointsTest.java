package io.farthing.notify.webhook.grpc;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.DeleteWebhookEndpointRequest;
import io.farthing.proto.notify.v1.GetWebhookEndpointRequest;
import io.farthing.proto.notify.v1.ListWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.ListWebhookDeliveriesRequest;
import io.farthing.proto.notify.v1.ListWebhookEndpointsRequest;
import io.farthing.proto.notify.v1.ListWebhookEndpointsResponse;
import io.farthing.proto.notify.v1.ReplayWebhookDeadLettersRequest;
import io.farthing.proto.notify.v1.ReplayWebhookDeliveryRequest;
import io.farthing.proto.notify.v1.RotateWebhookSecretRequest;
import io.farthing.proto.notify.v1.UpdateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.WebhookDeliveryMode;
import io.farthing.proto.notify.v1.WebhookEndpoint;
import io.farthing.proto.notify.v1.WebhookEventTypes;
import io.farthing.proto.notify.v1.WebhooksGrpc;
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
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A partner manages its own endpoints, and only its own; bad input is refused precisely. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookEndpointsTest {
  private static final String URL = "http://127.0.0.1:9/hooks";

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub plain;

  @Inject Pool pool;

  @Test
  void createsAnEndpointAndShowsItsSecretOnlyOnce() {
    String partner = aPartner();
    CreateWebhookEndpointResponse created =
        as(plain, partner)
            .createEndpoint(
                CreateWebhookEndpointRequest.newBuilder()
                    .setUrl(URL)
                    .addEventTypes("charge.succeeded")
                    .addEventTypes("charge.refunded")
                    .setDescription("orders")
                    .setContactEmail("ops@shop.example")
                    .build());

    assertTrue(created.getSigningSecret().startsWith("whsec_"));
    assertTrue(Base64.getDecoder().decode(created.getSigningSecret().substring(6)).length >= 24);
    WebhookEndpoint e = created.getEndpoint();
    assertEquals(URL, e.getUrl());
    assertEquals(List.of("charge.refunded", "charge.succeeded"), e.getEventTypesList());
    assertEquals(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_PER_EVENT, e.getDeliveryMode());
    assertTrue(e.getEnabled());
    assertEquals("ops@shop.example", e.getContactEmail());

    WebhookEndpoint got = as(plain, partner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).build());
    assertEquals(e, got);
    assertFalse(got.toString().contains(created.getSigningSecret().substring(6)), "no secret after creation");
    assertEquals(1, count("select count(*) from webhook_secrets where endpoint_id = $1", UUID.fromString(e.getEndpointId())));
  }

  @Test
  void listsOnlyThePartnersOwnEndpointsPageByPage() {
    String partner = aPartner();
    String other = aPartner();
    for (int i = 0; i < 3; i++) {
      anEndpoint(plain, partner, URL + i);
    }
    anEndpoint(plain, other, URL);

    ListWebhookEndpointsResponse first = as(plain, partner).listEndpoints(ListWebhookEndpointsRequest.newBuilder().setPageSize(2).build());
    ListWebhookEndpointsResponse second =
        as(plain, partner)
            .listEndpoints(ListWebhookEndpointsRequest.newBuilder().setPageSize(2).setPageToken(first.getNextPageToken()).build());

    assertEquals(2, first.getEndpointsCount());
    assertEquals(1, second.getEndpointsCount());
    assertEquals("", second.getNextPageToken());
    assertEquals(List.of(URL + "0", URL + "1", URL + "2"),
        java.util.stream.Stream.concat(first.getEndpointsList().stream(), second.getEndpointsList().stream()).map(WebhookEndpoint::getUrl).toList());
  }

  @Test
  void updatesTheFieldsThatAreSetAndNothingElse() {
    String partner = aPartner();
    WebhookEndpoint e = anEndpoint(plain, partner, URL, "charge.succeeded").getEndpoint();

    WebhookEndpoint updated =
        as(plain, partner)
            .updateEndpoint(
                UpdateWebhookEndpointRequest.newBuilder()
                    .setEndpointId(e.getEndpointId())
                    .setUrl("http://127.0.0.1:10/new")
                    .setEventTypes(WebhookEventTypes.newBuilder().addEventTypes("topup.succeeded"))
                    .setEnabled(false)
                    .build());

    assertEquals("http://127.0.0.1:10/new", updated.getUrl());
    assertEquals(List.of("topup.succeeded"), updated.getEventTypesList());
    assertFalse(updated.getEnabled());
    assertEquals(e.getDescription(), updated.getDescription());

    WebhookEndpoint again =
        as(plain, partner)
            .updateEndpoint(
                UpdateWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).setEnabled(true)
                    .setEventTypes(WebhookEventTypes.getDefaultInstance()).build());
    assertTrue(again.getEnabled());
    assertEquals("", again.getDisabledReason());
    assertEquals(List.of(), again.getEventTypesList(), "an empty list subscribes to every type");
  }

  @Test
  void rotatingKeepsThePreviousSecretSigningForTheOverlap() {
    String partner = aPartner();
    WebhookEndpoint e = anEndpoint(plain, partner, URL).getEndpoint();
    UUID id = UUID.fromString(e.getEndpointId());

    var rotated = as(plain, partner).rotateSecret(RotateWebhookSecretRequest.newBuilder().setEndpointId(e.getEndpointId()).build());

    assertTrue(rotated.getSigningSecret().startsWith("whsec_"));
    assertTrue(rotated.getEndpoint().hasPreviousSecretExpiresAt());
    long overlapSeconds = rotated.getEndpoint().getPreviousSecretExpiresAt().getSeconds() - java.time.Instant.now().getEpochSecond();
    assertTrue(overlapSeconds > 23 * 3600 && overlapSeconds <= 24 * 3600, "default overlap 24 h: " + overlapSeconds);
    assertEquals(2, count("select count(*) from webhook_secrets where endpoint_id = $1 and (expires_at is null or expires_at > now())", id));

    as(plain, partner)
        .rotateSecret(
            RotateWebhookSecretRequest.newBuilder().setEndpointId(e.getEndpointId())
                .setOverlap(com.google.protobuf.Duration.getDefaultInstance()).build());
    assertEquals(1, count("select count(*) from webhook_secrets where endpoint_id = $1 and (expires_at is null or expires_at > now())", id),
        "a zero overlap revokes every previous secret at once");
  }

  @Test
  void deletesAnEndpointWithItsSecrets() {
    String partner = aPartner();
    WebhookEndpoint e = anEndpoint(plain, partner, URL).getEndpoint();

    as(plain, partner).deleteEndpoint(DeleteWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).build());

    assertEquals(0, count("select count(*) from webhook_endpoints where id = $1", UUID.fromString(e.getEndpointId())));
    assertEquals(0, count("select count(*) from webhook_secrets where endpoint_id = $1", UUID.fromString(e.getEndpointId())));
    assertEquals("ENDPOINT_NOT_FOUND", reason(() -> as(plain, partner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).build())));
  }

  @Test
  void refusesBadInputWithPreciseReasonsAndStoresNothing() {
    String partner = aPartner();
    Consumer<CreateWebhookEndpointRequest.Builder> none = b -> {};

    assertEquals("MISSING_FIELD", createReason(partner, "", none));
    assertEquals("INVALID_URL", createReason(partner, "not a url", none));
    assertEquals("INVALID_URL", createReason(partner, "ftp://127.0.0.1/x", none));
    assertEquals("URL_HAS_CREDENTIALS", createReason(partner, "http://u:p@127.0.0.1/x", none));
    assertEquals("URL_NOT_ALLOWED", createReason(partner, "http://127.0.0.2/x", none));
    assertEquals("URL_NOT_ALLOWED", createReason(partner, "http://[::1]:8080/x", none));
    assertEquals("URL_NOT_ALLOWED", createReason(partner, "http://10.0.0.1/x", none));
    assertEquals("URL_NOT_ALLOWED", createReason(partner, "http://169.254.169.254/latest/meta-data", none));
    assertEquals("URL_NOT_ALLOWED", createReason(partner, "http://metadata.google.internal/", none));
    assertEquals("UNKNOWN_EVENT_TYPE", createReason(partner, URL, b -> b.addEventTypes("charge.teleported")));
    assertEquals("INVALID_DIGEST_WINDOW",
        createReason(partner, URL, b -> b.setDeliveryMode(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST)));
    assertEquals("INVALID_DIGEST_WINDOW",
        createReason(partner, URL, b -> b.setDeliveryMode(WebhookDeliveryMode.WEBHOOK_DELIVERY_MODE_DIGEST)
            .setDigestWindow(com.google.protobuf.util.Durations.fromHours(2))));
    assertEquals("INVALID_DIGEST_WINDOW",
        createReason(partner, URL, b -> b.setDigestWindow(com.google.protobuf.util.Durations.fromSeconds(30))));
    assertEquals("INVALID_EMAIL", createReason(partner, URL, b -> b.setContactEmail("nobody")));
    assertEquals("FIELD_TOO_LONG", createReason(partner, URL, b -> b.setDescription("x".repeat(501))));

    assertEquals(0, count("select count(*) from webhook_endpoints where partner_client_id = $1", partner));

    WebhookEndpoint e = anEndpoint(plain, partner, URL).getEndpoint();
    assertEquals("URL_NOT_ALLOWED",
        reason(() -> as(plain, partner).updateEndpoint(UpdateWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).setUrl("http://10.1.2.3/").build())));
    assertEquals("UNKNOWN_EVENT_TYPE",
        reason(() -> as(plain, partner).updateEndpoint(UpdateWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId())
            .setEventTypes(WebhookEventTypes.newBuilder().addEventTypes("nope")).build())));
    assertEquals("INVALID_OVERLAP",
        reason(() -> as(plain, partner).rotateSecret(RotateWebhookSecretRequest.newBuilder().setEndpointId(e.getEndpointId())
            .setOverlap(com.google.protobuf.util.Durations.fromDays(8)).build())));
    assertEquals("INVALID_ID", reason(() -> as(plain, partner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId("x").build())));
    assertEquals(URL, as(plain, partner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(e.getEndpointId()).build()).getUrl());
  }

  @Test
  void needsATokenAndTheManageScope() {
    CreateWebhookEndpointRequest request = CreateWebhookEndpointRequest.newBuilder().setUrl(URL).build();
    String partner = aPartner();

    StatusRuntimeException anonymous = assertThrows(StatusRuntimeException.class, () -> plain.createEndpoint(request));
    StatusRuntimeException unscoped =
        assertThrows(StatusRuntimeException.class,
            () -> Grpc.withToken(plain, TestTokens.client(partner, "payments:charge")).createEndpoint(request));
    StatusRuntimeException user =
        assertThrows(StatusRuntimeException.class,
            () -> Grpc.withToken(plain, TestTokens.user(UUID.randomUUID(), "user")).listEndpoints(ListWebhookEndpointsRequest.getDefaultInstance()));

    assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, unscoped.getStatus().getCode());
    assertEquals(Status.Code.PERMISSION_DENIED, user.getStatus().getCode());
    assertEquals(0, count("select count(*) from webhook_endpoints where partner_client_id = $1", partner));
  }

  @Test
  void anotherPartnersEndpointIsNotFoundForEveryCall() {
    String owner = aPartner();
    WebhookEndpoint e = anEndpoint(plain, owner, URL).getEndpoint();
    var intruder = as(plain, aPartner());
    String id = e.getEndpointId();
    UUID delivery = UUID.randomUUID();

    List<Executable> calls =
        List.of(
            () -> intruder.getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(id).build()),
            () -> intruder.updateEndpoint(UpdateWebhookEndpointRequest.newBuilder().setEndpointId(id).setEnabled(false).build()),
            () -> intruder.rotateSecret(RotateWebhookSecretRequest.newBuilder().setEndpointId(id).build()),
            () -> intruder.deleteEndpoint(DeleteWebhookEndpointRequest.newBuilder().setEndpointId(id).build()),
            () -> intruder.listDeliveries(ListWebhookDeliveriesRequest.newBuilder().setEndpointId(id).build()),
            () -> intruder.listDeadLetters(ListWebhookDeadLettersRequest.newBuilder().setEndpointId(id).build()),
            () -> intruder.replayDeadLetters(ReplayWebhookDeadLettersRequest.newBuilder().setEndpointId(id).build()));
    for (Executable call : calls) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, call);
      assertEquals(Status.Code.NOT_FOUND, refused.getStatus().getCode());
      assertEquals("ENDPOINT_NOT_FOUND", Grpc.reason(refused));
    }
    assertEquals("DELIVERY_NOT_FOUND",
        reason(() -> intruder.replayDelivery(ReplayWebhookDeliveryRequest.newBuilder().setDeliveryId(delivery.toString()).build())));

    WebhookEndpoint untouched = as(plain, owner).getEndpoint(GetWebhookEndpointRequest.newBuilder().setEndpointId(id).build());
    assertTrue(untouched.getEnabled());
    assertNotEquals("", untouched.getUrl());
    assertEquals(1, count("select count(*) from webhook_secrets where endpoint_id = $1", UUID.fromString(id)));
  }

  private String createReason(String partner, String url, Consumer<CreateWebhookEndpointRequest.Builder> more) {
    CreateWebhookEndpointRequest.Builder b = CreateWebhookEndpointRequest.newBuilder().setUrl(url);
    more.accept(b);
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> as(plain, partner).createEndpoint(b.build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode(), url);
    return Grpc.reason(refused);
  }

  private static String reason(Executable call) {
    return Grpc.reason(assertThrows(StatusRuntimeException.class, call));
  }

  private long count(String sql, Object arg) {
    return pool.preparedQuery(sql).executeAndAwait(Tuple.of(arg)).iterator().next().getLong(0);
  }
}
