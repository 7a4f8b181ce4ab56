package io.farthing.payments.client;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.payments.support.TestTokenEndpoint;
import io.farthing.testing.TestJwks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service token is fetched once for every caller waiting for it, whatever each caller does. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class ServiceTokensTest {
  @Inject ServiceTokens tokens;

  @AfterEach
  void answerAtOnce() {
    TestTokenEndpoint.DELAY_MS.set(0);
  }

  @Test
  void aCallerThatGivesUpWaitingDoesNotFailTheOthersWaitingForTheSameToken() throws Exception {
    TestTokenEndpoint.DELAY_MS.set(700);
    tokens.invalidate();

    CompletableFuture<String> impatient =
        tokens.bearer().ifNoItem().after(Duration.ofMillis(100)).fail().subscribeAsCompletionStage();
    CompletableFuture<String> patient = tokens.bearer().subscribeAsCompletionStage();

    Throwable gaveUp = assertThrows(Exception.class, impatient::join).getCause();
    assertTrue(gaveUp instanceof TimeoutException, "the impatient caller timed out: " + gaveUp);
    String token = Uni.createFrom().completionStage(patient).await().atMost(Duration.ofSeconds(10));
    assertFalse(token.isBlank(), "the patient caller got the token the first one gave up on");
  }
}
