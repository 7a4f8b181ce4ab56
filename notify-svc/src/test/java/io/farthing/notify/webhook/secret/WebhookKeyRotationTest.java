package io.farthing.notify.webhook.secret;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.publish;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.common.crypto.VersionedKeys;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.notify.webhook.WebhookSignature;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.farthing.testing.TestTokens;
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
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Key 2 added to a ring that sealed under key 1: old rows still sign, then rewrap moves them to 2. */
@QuarkusTest
@TestProfile(TwoKeysProfile.class)
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookKeyRotationTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;
  @Inject io.farthing.notify.webhook.SecretKeys secretKeys;

  @Test
  void aRowSealedUnderKeyOneStillSignsAfterKeyTwoIsAddedAndIsRewrappedToKeyTwo() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      UUID endpoint = Ids.newId();
      pool.preparedQuery("insert into webhook_endpoints (id, partner_client_id, url, mode) values ($1, $2, $3, 'PER_EVENT')")
          .executeAndAwait(Tuple.of(endpoint, partner, receiver.url()));
      // Sealed as a replica whose ring held only key 1 sealed it.
      byte[] secret = WebhookSignature.newSecret(32);
      UUID secretId = Ids.newId();
      byte[] underOne =
          VersionedKeys.parse(TwoKeysProfile.ring(TwoKeysProfile.KEY_1), "test")
              .seal(secret, "webhook_secrets:" + endpoint + ":" + secretId);
      pool.preparedQuery("insert into webhook_secrets (id, endpoint_id, secret_sealed, key_version) values ($1, $2, $3, 1)")
          .executeAndAwait(Tuple.of(secretId, endpoint, Buffer.buffer(underOne)));
      StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(WebhookSignature.display(secret));

      publish(notify, partner);
      await("the delivery under key 1", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(verifier.verify(receiver.requests().get(0)));

      given().auth().oauth2(TestTokens.admin()).get("/admin/webhooks/secret-keys")
          .then().statusCode(200)
          .body("configuredVersions", equalTo(java.util.List.of(1, 2)))
          .body("sealingVersion", equalTo(2))
          .body("rowsByKeyVersion.'1'", greaterThanOrEqualTo(1));
      given().auth().oauth2(TestTokens.admin()).post("/admin/webhooks/secret-keys/rewrap")
          .then().statusCode(200)
          .body("changed", greaterThanOrEqualTo(1))
          .body("failed", equalTo(0))
          .body("status.rowsByKeyVersion.'1'", nullValue());

      Row row =
          pool.preparedQuery("select secret_sealed, key_version from webhook_secrets where id = $1")
              .executeAndAwait(Tuple.of(secretId)).iterator().next();
      assertEquals(2, row.getInteger("key_version"));
      byte[] underTwo = row.getBuffer("secret_sealed").getBytes();
      assertEquals(2, VersionedKeys.versionOf(underTwo));
      assertFalse(Arrays.equals(underOne, underTwo));

      publish(notify, partner);
      await("the delivery under key 2", WAIT, () -> receiver.requests().size() == 2);
      assertTrue(verifier.verify(receiver.requests().get(1)));
    }
  }

  @Test
  void rewrapLeavesAPlaintextCopyKeptForTheRolloutAsItWas() {
    UUID endpoint = Ids.newId();
    pool.preparedQuery("insert into webhook_endpoints (id, partner_client_id, url, mode) values ($1, $2, $3, 'PER_EVENT')")
        .executeAndAwait(Tuple.of(endpoint, aPartner(), "http://127.0.0.1:9/hooks"));
    byte[] secret = WebhookSignature.newSecret(32);
    UUID secretId = Ids.newId();
    byte[] underOne =
        VersionedKeys.parse(TwoKeysProfile.ring(TwoKeysProfile.KEY_1), "test")
            .seal(secret, "webhook_secrets:" + endpoint + ":" + secretId);
    pool.preparedQuery(
            "insert into webhook_secrets (id, endpoint_id, secret, secret_sealed, key_version) values ($1, $2, $3, $4, 1)")
        .executeAndAwait(Tuple.of(secretId, endpoint, Buffer.buffer(secret), Buffer.buffer(underOne)));

    secretKeys.rewrap().await().atMost(WAIT);

    Row row =
        pool.preparedQuery("select secret, key_version from webhook_secrets where id = $1")
            .executeAndAwait(Tuple.of(secretId)).iterator().next();
    assertEquals(2, row.getInteger("key_version"));
    org.junit.jupiter.api.Assertions.assertArrayEquals(secret, row.getBuffer("secret").getBytes());
  }

  @Test
  void newSecretsAreSealedUnderTheNewestKey() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse created = anEndpoint(webhooks, partner, receiver.url());
      Row row =
          pool.preparedQuery("select key_version from webhook_secrets where endpoint_id = $1")
              .executeAndAwait(Tuple.of(UUID.fromString(created.getEndpoint().getEndpointId()))).iterator().next();
      assertEquals(2, row.getInteger("key_version"));

      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(created.getSigningSecret()).verify(receiver.requests().get(0)));
    }
  }

  @Test
  void rewrapNeedsTheAdminRole() {
    given().post("/admin/webhooks/secret-keys/rewrap").then().statusCode(401);
    given().auth().oauth2(TestTokens.user(UUID.randomUUID(), "support")).post("/admin/webhooks/secret-keys/rewrap")
        .then().statusCode(403);
  }
}
