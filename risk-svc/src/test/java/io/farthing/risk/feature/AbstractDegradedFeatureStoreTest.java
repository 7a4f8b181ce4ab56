package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.aContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Ids;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.feature.FeatureStore.Observation;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every Score gets when Redis cannot help: the request's own features, degraded = 1 and a
 * cause, within the budget (margins are loose on purpose: this is correctness, not speed).
 */
abstract class AbstractDegradedFeatureStoreTest {
  static final Duration BUDGET = Duration.ofMillis(50);
  static final Duration WITHIN = Duration.ofSeconds(1);

  @Inject FeatureStore store;
  @Inject MeterRegistry meters;
  @Inject CircuitBreakerMaintenance circuitBreakers;

  /** The cause of a first failure, before the circuit opens. */
  abstract String expectedCause();

  @BeforeEach
  void closeTheCircuit() {
    circuitBreakers.resetAll();
  }

  Observation timedObserve(io.farthing.risk.score.RiskContext ctx) {
    long start = System.nanoTime();
    Observation observation = store.observe(ctx, Ids.newId(), BUDGET).await().atMost(Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertTrue(took.compareTo(WITHIN) < 0, "answered in " + took.toMillis() + " ms");
    return observation;
  }

  @Test
  void theAnswerIsTheRequestsOwnFeaturesMarkedDegraded() {
    double before = degradedCount(expectedCause());
    var observation =
        timedObserve(aContext().channel(Channel.TOP_UP).amount(95_000).category("").deviceKnown(true).build());
    assertEquals(expectedCause(), observation.degradedCause());
    assertNull(observation.replayOf());
    var features = observation.features();
    assertEquals(1, features.number(FeatureNames.DEGRADED, -1));
    assertEquals(95_000, features.number(FeatureNames.AMOUNT_MINOR, -1));
    assertEquals(1, features.number(FeatureNames.DEVICE_KNOWN, -1));
    assertEquals(1, features.number(FeatureNames.NEAR_LIMIT, -1));
    assertEquals(12, features.number(FeatureNames.HOUR_OF_DAY, -1));
    assertEquals("TOP_UP", features.label(FeatureNames.CHANNEL));
    assertEquals("EUR", features.label(FeatureNames.CURRENCY));
    for (String redisFeature :
        new String[] {
          FeatureNames.COUNT_1M, FeatureNames.SUM_24H, FeatureNames.DEVICES_24H, FeatureNames.NEW_MERCHANT,
          FeatureNames.AMOUNT_ZSCORE_X100, FeatureNames.TRAVEL_KMH, FeatureNames.NEAR_LIMIT_COUNT_7D,
          FeatureNames.RISK_BUDGET_USED_MINOR, FeatureNames.USER_FRAUD_REPORTS, FeatureNames.MERCHANT_PAYMENTS_30D
        }) {
      assertFalse(features.has(redisFeature), redisFeature + " is absent, not a made-up zero");
    }
    assertEquals(before + 1, degradedCount(expectedCause()), "counted in risk.features.degraded");
  }

  @Test
  void aDeadRedisOpensTheCircuitSoLaterCallsDoNotWait() {
    String cause = null;
    for (int i = 0; i < 120 && !FeatureStore.CIRCUIT_OPEN.equals(cause); i++) {
      cause = timedObserve(aContext().build()).degradedCause();
    }
    assertEquals(FeatureStore.CIRCUIT_OPEN, cause);
    double before = degradedCount(FeatureStore.CIRCUIT_OPEN);
    long start = System.nanoTime();
    var open = timedObserve(aContext().build());
    assertEquals(FeatureStore.CIRCUIT_OPEN, open.degradedCause());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(BUDGET) < 0, "not waited for");
    assertEquals(before + 1, degradedCount(FeatureStore.CIRCUIT_OPEN));
  }

  @Test
  void learningAndOutcomesSwallowTheFailure() {
    var ctx = aContext().build();
    UUID user = ctx.userId();
    long start = System.nanoTime();
    store.learn(ctx, timedObserve(ctx).features(), Verdict.ALLOW, 10).await().atMost(Duration.ofSeconds(10));
    store.recordOutcome(user, ctx.merchantId(), Outcome.DISPUTE_LOST, ctx.at()).await().atMost(Duration.ofSeconds(10));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
  }

  @Test
  void anExhaustedBudgetAnswersAtOnce() {
    var observation = store.observe(aContext().build(), Ids.newId(), Duration.ZERO).await().atMost(WITHIN);
    assertEquals(FeatureStore.REDIS_TIMEOUT, observation.degradedCause());
    assertEquals(1, observation.features().number(FeatureNames.DEGRADED, -1));
  }

  @Test
  void theDegradedAnswerArrivesOnTheCallersVertxContext() throws Throwable {
    var caller = new java.util.concurrent.atomic.AtomicReference<io.vertx.core.Context>();
    var answeredOn = new java.util.concurrent.atomic.AtomicReference<io.vertx.core.Context>();
    var observation =
        io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(
            () -> {
              caller.set(io.vertx.core.Vertx.currentContext());
              return store
                  .observe(aContext().build(), Ids.newId(), BUDGET)
                  .invoke(o -> answeredOn.set(io.vertx.core.Vertx.currentContext()));
            });
    assertEquals(expectedCause(), observation.degradedCause());
    assertTrue(caller.get() != null && caller.get() == answeredOn.get(), "same context");
  }

  private double degradedCount(String cause) {
    var counter = meters.find(FeatureStore.DEGRADED_METRIC).tag("cause", cause).counter();
    return counter == null ? 0 : counter.count();
  }
}
