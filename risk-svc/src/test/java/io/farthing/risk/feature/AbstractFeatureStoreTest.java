package io.farthing.risk.feature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.farthing.common.Ids;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.feature.FeatureStore.Observation;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.Verdict;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;

/** Calls the store the way the lead's Score does, waiting on the test thread. */
abstract class AbstractFeatureStoreTest {
  /** Generous: these tests check values, not speed, on a shared two-core machine. */
  static final Duration BUDGET = Duration.ofSeconds(2);

  static final Duration WAIT = Duration.ofSeconds(10);

  @Inject FeatureStore store;
  @Inject CircuitBreakerMaintenance circuitBreakers;

  /** The app is shared by test classes: a circuit opened by one (a loaded machine) must not fail the next. */
  @BeforeEach
  void closeTheCircuit() {
    circuitBreakers.resetAll();
  }

  Observation observation(RiskContext ctx) {
    return observation(ctx, Ids.newId());
  }

  Observation observation(RiskContext ctx, UUID decisionId) {
    return store.observe(ctx, decisionId, BUDGET).await().atMost(WAIT);
  }

  /** The features of a fresh (non-replayed) observation that Redis answered. */
  Features observe(RiskContext ctx) {
    Observation observation = observation(ctx);
    assertNull(observation.degradedCause(), "Redis answered");
    assertNull(observation.replayOf(), "not a replay");
    assertEquals(0, observation.features().number(FeatureNames.DEGRADED, -1));
    return observation.features();
  }

  /** Observes, then learns the verdict, as Score does after answering. */
  Features decide(RiskContext ctx, Verdict verdict, int score) {
    Features features = observe(ctx);
    learn(ctx, features, verdict, score);
    return features;
  }

  void learn(RiskContext ctx, Features features, Verdict verdict, int score) {
    store.learn(ctx, features, verdict, score).await().atMost(WAIT);
  }

  void outcome(UUID userId, String merchantId, Outcome outcome, Instant at) {
    store.recordOutcome(userId, merchantId, outcome, at).await().atMost(WAIT);
  }

  static long number(Features features, String name) {
    return features
        .number(name)
        .orElseThrow(() -> new AssertionError(name + " is absent from " + features));
  }
}
