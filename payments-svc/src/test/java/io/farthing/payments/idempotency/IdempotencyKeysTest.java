package io.farthing.payments.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.common.ApiException;
import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.testing.TestJwks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The key store itself, against PostgreSQL: leases, take-over after a crash, completion fencing. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class IdempotencyKeysTest {
  @Inject IdempotencyKeys keys;
  @Inject Pool pool;
  @Inject Fixtures fixtures;

  final byte[] hash = IdempotencyKeys.hash("Op", "request".getBytes());

  @Test
  void anAttemptWhoseLeaseRanOutIsTakenOverAndCanNoLongerComplete() {
    String caller = "caller-" + UUID.randomUUID();
    Claim.Fresh crashed = (Claim.Fresh) keys.claim(caller, "k1", "Op", hash).await().indefinitely();
    fixtures.update("update idempotency_keys set leased_until = now() - interval '1 second' where caller = $1", caller);

    Claim.Fresh takeover = (Claim.Fresh) keys.claim(caller, "k1", "Op", hash).await().indefinitely();
    ApiException late =
        assertThrows(
            ApiException.class,
            () ->
                pool.withTransaction(tx -> keys.complete(tx, crashed, StoredOutcome.success(null, new byte[] {1})))
                    .await()
                    .indefinitely());
    pool.withTransaction(tx -> keys.complete(tx, takeover, StoredOutcome.success(null, new byte[] {2})))
        .await()
        .indefinitely();

    assertEquals(IdempotencyKeys.KEY_IN_USE, late.reason());
    Claim replay = keys.claim(caller, "k1", "Op", hash).await().indefinitely();
    assertEquals(2, ((Claim.Replay) replay).outcome().response()[0]);
  }

  @Test
  void aLiveClaimIsNotTakenOver() {
    String caller = "caller-" + UUID.randomUUID();
    keys.claim(caller, "k1", "Op", hash).await().indefinitely();

    ApiException busy = assertThrows(ApiException.class, () -> keys.claim(caller, "k1", "Op", hash).await().indefinitely());

    assertEquals(ApiException.Kind.IN_PROGRESS, busy.kind());
  }

  @Test
  void anExpiredKeyIsForgottenAndCanBeUsedAgain() {
    String caller = "caller-" + UUID.randomUUID();
    Claim.Fresh first = (Claim.Fresh) keys.claim(caller, "k1", "Op", hash).await().indefinitely();
    pool.withTransaction(tx -> keys.complete(tx, first, StoredOutcome.success(null, new byte[] {1}))).await().indefinitely();
    fixtures.update("update idempotency_keys set expires_at = now() - interval '1 second' where caller = $1", caller);

    Claim again = keys.claim(caller, "k1", "Op", IdempotencyKeys.hash("Op", "other".getBytes())).await().indefinitely();

    assertInstanceOf(Claim.Fresh.class, again);
  }

  @Test
  void aReleasedKeyRunsAgain() {
    String caller = "caller-" + UUID.randomUUID();
    Claim.Fresh first = (Claim.Fresh) keys.claim(caller, "k1", "Op", hash).await().indefinitely();
    keys.release(first).await().indefinitely();

    assertInstanceOf(Claim.Fresh.class, keys.claim(caller, "k1", "Op", hash).await().indefinitely());
  }
}
