package io.farthing.notify.webhook.ssrf;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.as;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.proto.notify.v1.CreateWebhookEndpointRequest;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.Grpc;
import io.farthing.testing.TestJwks;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** With no internal range allowed (as in production), loopback is refused at both checkpoints. */
@QuarkusTest
@TestProfile(StrictSsrfProfile.class)
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookSsrfStrictTest {
  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1:8080/hooks",
        "http://[::1]:8080/hooks",
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:8080/hooks",
        "http://metadata.google.internal/computeMetadata/v1/"
      })
  void registrationRefusesInternalDestinations(String url) {
    String partner = aPartner();
    StatusRuntimeException refused =
        assertThrows(
            StatusRuntimeException.class,
            () -> as(webhooks, partner).createEndpoint(CreateWebhookEndpointRequest.newBuilder().setUrl(url).build()));

    assertEquals(Status.Code.INVALID_ARGUMENT, refused.getStatus().getCode());
    assertEquals("URL_NOT_ALLOWED", Grpc.reason(refused));
  }

  @Test
  void deliveryRefusesAnEndpointThatNowResolvesInternallyAndNeverConnects() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      UUID endpoint = Ids.newId();
      // Registered while its name pointed elsewhere (what DNS rebinding exploits); stored directly
      // because registration would refuse this URL today.
      pool.preparedQuery("insert into webhook_endpoints (id, partner_client_id, url, mode) values ($1, $2, $3, 'PER_EVENT')")
          .executeAndAwait(Tuple.of(endpoint, partner, receiver.url().replace("127.0.0.1", "localhost")));
      pool.preparedQuery("insert into webhook_secrets (id, endpoint_id, secret) values ($1, $2, $3)")
          .executeAndAwait(Tuple.of(Ids.newId(), endpoint, Buffer.buffer(new byte[32])));

      publish(notify, partner);
      await("the refused attempt", Duration.ofSeconds(10), () -> !deliveries(webhooks, partner, endpoint.toString()).isEmpty()
          && deliveries(webhooks, partner, endpoint.toString()).get(0).getAttemptsCount() >= 1);

      WebhookDelivery d = deliveries(webhooks, partner, endpoint.toString()).get(0);
      assertEquals("URL_NOT_ALLOWED", d.getAttempts(0).getErrorClass());
      assertEquals(0, receiver.requests().size(), "no connection was made");
    }
  }
}
