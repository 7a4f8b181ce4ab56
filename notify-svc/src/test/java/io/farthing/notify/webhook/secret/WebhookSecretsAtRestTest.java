package io.farthing.notify.webhook.secret;

import static io.farthing.notify.webhook.Hooks.aPartner;
import static io.farthing.notify.webhook.Hooks.anEndpoint;
import static io.farthing.notify.webhook.Hooks.await;
import static io.farthing.notify.webhook.Hooks.deliveries;
import static io.farthing.notify.webhook.Hooks.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.notify.support.NotifyTestDatabase;
import io.farthing.notify.webhook.Receiver;
import io.farthing.notify.webhook.SecretCipher;
import io.farthing.notify.webhook.SecretKeys;
import io.farthing.notify.webhook.StandardWebhooksVerifier;
import io.farthing.notify.webhook.WebhookSignature;
import io.farthing.proto.notify.v1.CreateWebhookEndpointResponse;
import io.farthing.proto.notify.v1.NotifyGrpc;
import io.farthing.proto.notify.v1.WebhookDelivery;
import io.farthing.proto.notify.v1.WebhookDeliveryStatus;
import io.farthing.proto.notify.v1.WebhooksGrpc;
import io.farthing.testing.TestJwks;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Signing secrets are sealed at rest; legacy plaintext rows are sealed; a moved ciphertext is refused. */
@QuarkusTest
@QuarkusTestResource(NotifyTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class WebhookSecretsAtRestTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @GrpcClient("notify")
  WebhooksGrpc.WebhooksBlockingStub webhooks;

  @GrpcClient("notify")
  NotifyGrpc.NotifyBlockingStub notify;

  @Inject Pool pool;
  @Inject SecretKeys secretKeys;
  @Inject SecretCipher cipher;

  @Test
  void theStoredBytesAreNotTheSecretAndDeliveriesVerifyWithTheSecretShownAtCreation() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse created = anEndpoint(webhooks, partner, receiver.url());
      byte[] shown = secretBytes(created.getSigningSecret());

      Row row = secretRow(UUID.fromString(created.getEndpoint().getEndpointId()));
      assertNull(row.getBuffer("secret"), "no plaintext column value");
      byte[] stored = row.getBuffer("secret_sealed").getBytes();
      assertFalse(contains(stored, shown), "the secret's bytes do not appear in what is stored");
      assertEquals(cipher.newestVersion(), row.getInteger("key_version"));

      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(created.getSigningSecret()).verify(receiver.requests().get(0)));
    }
  }

  @Test
  void aLegacyPlaintextRowIsSealedByThePassAndStillSigns() {
    try (Receiver receiver = Receiver.local()) {
      String partner = aPartner();
      UUID endpoint = legacyEndpoint(partner, receiver.url());
      byte[] secret = WebhookSignature.newSecret(32);
      UUID secretId = Ids.newId();
      pool.preparedQuery("insert into webhook_secrets (id, endpoint_id, secret) values ($1, $2, $3)")
          .executeAndAwait(Tuple.of(secretId, endpoint, Buffer.buffer(secret)));

      secretKeys.sealPlaintextRows().await().atMost(WAIT);

      Row row = secretRow(endpoint);
      assertNull(row.getBuffer("secret"), "the plaintext was erased");
      assertNotNull(row.getBuffer("secret_sealed"));
      assertFalse(contains(row.getBuffer("secret_sealed").getBytes(), secret));
      assertEquals(cipher.newestVersion(), row.getInteger("key_version"));
      publish(notify, partner);
      await("the delivery", WAIT, () -> receiver.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(WebhookSignature.display(secret)).verify(receiver.requests().get(0)));
    }
  }

  @Test
  void plaintextKeptDuringTheRolloutIsErasedOnlyWhenItsSealedCopyHoldsTheSameSecret() {
    String partner = aPartner();
    UUID good = legacyEndpoint(partner, "http://127.0.0.1:9/good");
    UUID bad = legacyEndpoint(partner, "http://127.0.0.1:9/bad");
    byte[] secret = WebhookSignature.newSecret(32);
    UUID goodId = Ids.newId();
    UUID badId = Ids.newId();
    insertBoth(goodId, good, secret, cipher.seal(good, goodId, secret));
    insertBoth(badId, bad, secret, cipher.seal(bad, badId, WebhookSignature.newSecret(32)));

    SecretKeys.PassResult result = secretKeys.sealPlaintextRows().await().atMost(WAIT);

    assertTrue(result.failed() >= 1, "the mismatched row was reported");
    assertNull(secretRow(good).getBuffer("secret"), "erased: the sealed copy opens to the same secret");
    assertNotNull(secretRow(bad).getBuffer("secret"), "kept: its sealed copy holds something else");
  }

  @Test
  void aCiphertextCopiedToAnotherEndpointDoesNotOpenAndNothingIsSentWithAWrongSignature() {
    try (Receiver receiverA = Receiver.local(); Receiver receiverB = Receiver.local()) {
      String partner = aPartner();
      CreateWebhookEndpointResponse a = anEndpoint(webhooks, partner, receiverA.url());
      CreateWebhookEndpointResponse b = anEndpoint(webhooks, partner, receiverB.url());
      UUID idA = UUID.fromString(a.getEndpoint().getEndpointId());
      UUID idB = UUID.fromString(b.getEndpoint().getEndpointId());
      pool.preparedQuery(
              "update webhook_secrets set secret_sealed = a.secret_sealed, key_version = a.key_version"
                  + " from webhook_secrets a where a.endpoint_id = $1 and webhook_secrets.endpoint_id = $2")
          .executeAndAwait(Tuple.of(idA, idB));

      publish(notify, partner);

      await("A's delivery", WAIT, () -> receiverA.requests().size() == 1);
      assertTrue(new StandardWebhooksVerifier(a.getSigningSecret()).verify(receiverA.requests().get(0)));
      await("B's delivery to be parked", WAIT, () -> deliveries(webhooks, partner, idB.toString()).stream()
          .anyMatch(d -> d.getStatus() == WebhookDeliveryStatus.WEBHOOK_DELIVERY_STATUS_PARKED));
      WebhookDelivery parked = deliveries(webhooks, partner, idB.toString()).get(0);
      assertTrue(parked.getAttemptsCount() >= 1);
      parked.getAttemptsList().forEach(attempt -> assertEquals("SECRET_UNAVAILABLE", attempt.getErrorClass()));
      assertEquals(0, receiverB.requests().size(), "nothing was sent to B");
      Row health =
          pool.preparedQuery("select enabled, consecutive_failures from webhook_endpoints where id = $1")
              .executeAndAwait(Tuple.of(idB)).iterator().next();
      assertTrue(health.getBoolean("enabled"), "our failure does not count against the partner's endpoint");
      assertEquals(0, health.getInteger("consecutive_failures"));

      publish(notify, partner);
      await("the dispatcher to go on delivering", WAIT, () -> receiverA.requests().size() == 2);
    }
  }

  @Test
  void aCiphertextCopiedToAnotherSecretOfTheSameEndpointDoesNotOpen() {
    String partner = aPartner();
    UUID endpoint = legacyEndpoint(partner, "http://127.0.0.1:9/hooks");
    UUID first = Ids.newId();
    SecretCipher.Sealed sealed = cipher.seal(endpoint, first, WebhookSignature.newSecret(32));

    org.junit.jupiter.api.Assertions.assertThrows(
        SecretCipher.SecretUnavailable.class, () -> cipher.open(endpoint, Ids.newId(), sealed.bytes(), sealed.keyVersion()));
    org.junit.jupiter.api.Assertions.assertThrows(
        SecretCipher.SecretUnavailable.class, () -> cipher.open(endpoint, first, sealed.bytes(), sealed.keyVersion() + 1),
        "the key_version column must agree with the ciphertext");
  }

  private UUID legacyEndpoint(String partner, String url) {
    UUID endpoint = Ids.newId();
    pool.preparedQuery("insert into webhook_endpoints (id, partner_client_id, url, mode) values ($1, $2, $3, 'PER_EVENT')")
        .executeAndAwait(Tuple.of(endpoint, partner, url));
    return endpoint;
  }

  private void insertBoth(UUID id, UUID endpoint, byte[] plaintext, SecretCipher.Sealed sealed) {
    pool.preparedQuery(
            "insert into webhook_secrets (id, endpoint_id, secret, secret_sealed, key_version) values ($1, $2, $3, $4, $5)")
        .executeAndAwait(
            Tuple.of(id, endpoint, Buffer.buffer(plaintext), Buffer.buffer(sealed.bytes()), sealed.keyVersion()));
  }

  private Row secretRow(UUID endpoint) {
    var rows =
        pool.preparedQuery("select secret, secret_sealed, key_version from webhook_secrets where endpoint_id = $1")
            .executeAndAwait(Tuple.of(endpoint));
    assertEquals(1, rows.size());
    return rows.iterator().next();
  }

  static byte[] secretBytes(String whsec) {
    return Base64.getDecoder().decode(whsec.substring(WebhookSignature.SECRET_PREFIX.length()));
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }
}
