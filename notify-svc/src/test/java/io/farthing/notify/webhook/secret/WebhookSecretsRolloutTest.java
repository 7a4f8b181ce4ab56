package io.farthing.notify.webhook.secret;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.SecretKeys;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.notify.webhook.WebhookSignature;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.RotateWebhookSecretRequest;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With secrets.keep-plaintext (the first rollout step), what a previous-release pod reads — the
 * plaintext column only — still holds every secret, including those new pods write, while new pods
 * sign from the sealed copy.
 */
@QuarkusTest
@TestProfile(KeepPlaintextProfile.class)
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookSecretsRolloutTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;
  @Inject SecretKeys secretKeys;

  @Test
  void secretsWrittenByNewPodsStayReadableByPreviousReleasePods() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse created = anEndpoint(webhooks, partner, receiver.url());
      UUID endpoint = UUID.fromString(created.getEndpoint().getEndpointId());
      String rotated =
          io.farthing.notify.webhook.Hooks.as(webhooks, partner)
              .rotateSecret(RotateWebhookSecretRequest.newBuilder().setEndpointId(endpoint.toString()).build())
              .getSigningSecret();

      var rows =
          pool.preparedQuery(
                  "select secret, secret_sealed from webhook_secrets where endpoint_id = $1 order by created_at desc, id desc")
              .executeAndAwait(Tuple.of(endpoint));
      assertEquals(2, rows.size());
      var it = rows.iterator();
      Row newest = it.next();
      Row previous = it.next();
      assertArrayEquals(WebhookSecretsAtRestTest.secretBytes(rotated), newest.getBuffer("secret").getBytes());
      assertArrayEquals(WebhookSecretsAtRestTest.secretBytes(created.getSigningSecret()), previous.getBuffer("secret").getBytes());
      assertNotNull(newest.getBuffer("secret_sealed"));

      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(rotated).verify(receiver.requests().get(0)));
      assertTrue(new StandardWebhooksVerifier(created.getSigningSecret()).verify(receiver.requests().get(0)));
    }
  }

  @Test
  void aRowWrittenByAPreviousReleasePodIsSealedAndKeepsItsPlaintext() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      UUID endpoint = Ids.newId();
      pool.preparedQuery("insert into webhook_endpoints (id, partner_client_id, url, mode) values ($1, $2, $3, 'PER_EVENT')")
          .executeAndAwait(Tuple.of(endpoint, partner, receiver.url()));
      byte[] secret = WebhookSignature.newSecret(32);
      pool.preparedQuery("insert into webhook_secrets (id, endpoint_id, secret) values ($1, $2, $3)")
          .executeAndAwait(Tuple.of(Ids.newId(), endpoint, Buffer.buffer(secret)));

      secretKeys.sealPlaintextRows().await().atMost(WAIT);

      Row row =
          pool.preparedQuery("select secret, secret_sealed, key_version from webhook_secrets where endpoint_id = $1")
              .executeAndAwait(Tuple.of(endpoint)).iterator().next();
      assertArrayEquals(secret, row.getBuffer("secret").getBytes(), "kept for previous-release pods");
      assertNotNull(row.getBuffer("secret_sealed"));
      assertEquals(1, row.getInteger("key_version"));
      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(WebhookSignature.display(secret)).verify(receiver.requests().get(0)));
    }
  }
}
