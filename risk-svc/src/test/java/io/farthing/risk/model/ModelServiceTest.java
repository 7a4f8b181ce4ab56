package io.farthing.risk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.decision.Outcome;
import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Reason;
import io.farthing.testing.Sql;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The model service against the real database: seeding, scoring from memory, feedback that
 * persists and counts under concurrency, and replicas converging through the reload.
 */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
class ModelServiceTest {

  @Inject ModelService model;

  /** A payment that looks like card testing; each test varies it so tests stay independent. */
  private static Features cardTesting(long amountMinor) {
    return Features.builder()
        .number(FeatureNames.AMOUNT_MINOR, amountMinor)
        .flag(FeatureNames.DEVICE_KNOWN, false)
        .number(FeatureNames.COUNT_1M, 9)
        .number(FeatureNames.COUNT_1H, 20)
        .number(FeatureNames.COUNT_24H, 25)
        .number(FeatureNames.SUM_1M, amountMinor * 9)
        .flag(FeatureNames.NEW_MERCHANT, true)
        .number(FeatureNames.KYC_TIER, 0)
        .build();
  }

  /** A payment the model is unsure about (a new phone, a new shop, a bit more than usual). */
  private static Features ambiguous(long amountMinor) {
    return Features.builder()
        .number(FeatureNames.AMOUNT_MINOR, amountMinor)
        .flag(FeatureNames.DEVICE_KNOWN, false)
        .number(FeatureNames.COUNT_1M, 1)
        .number(FeatureNames.COUNT_1H, 2)
        .number(FeatureNames.COUNT_24H, 4)
        .number(FeatureNames.SUM_1M, amountMinor)
        .flag(FeatureNames.NEW_MERCHANT, true)
        .number(FeatureNames.KYC_TIER, 1)
        .number(FeatureNames.HISTORY_COUNT, 40)
        .number(FeatureNames.AMOUNT_ZSCORE_X100, 150)
        .build();
  }

  /** The learning tests need a probability with room to move both ways. */
  private double undecided(Features f) {
    double p = model.score(f).probability();
    assertTrue(p > 1e-4 && p < 0.9999, "precondition: an undecided payment, p = " + p);
    return p;
  }

  private static long activeUpdates() {
    return ((Number) Sql.row("select updates from model_versions where active")[0]).longValue();
  }

  private static LogisticModel storedModel() {
    return LogisticModel.fromJson((String) Sql.row("select parameters::text from model_versions where active")[0]);
  }

  @Test
  void theShippedBaselineIsSeededAsTheOneActiveModel() {
    Baseline baseline = Baseline.load();
    Object[] row = Sql.row("select version, kind, metrics->'heldOut'->>'precision' from model_versions where active");
    assertEquals(baseline.version(), row[0]);
    assertEquals("BASELINE", row[1]);
    assertEquals(baseline.report().heldOut().precision(), Double.parseDouble((String) row[2]), 1e-12);
    assertTrue(model.currentVersion().startsWith(baseline.version() + "+"), model.currentVersion());
  }

  @Test
  void seedingAgainFromSeveralReplicasAtOnceLeavesOneActiveModelUntouched() throws Exception {
    long rowsBefore = Sql.count("select count(*) from model_versions");
    String parametersBefore = (String) Sql.row("select parameters::text from model_versions where active")[0];
    runConcurrently(4, i -> {
      Sql.await(model::ensureActive);
      return "seeded";
    });
    assertEquals(rowsBefore, Sql.count("select count(*) from model_versions"));
    assertEquals(1, Sql.count("select count(*) from model_versions where active"));
    assertEquals(parametersBefore, Sql.row("select parameters::text from model_versions where active")[0]);
  }

  @Test
  void aScoreIsTheProbabilityInPointsWithOneModelReason() {
    Features f = cardTesting(40);
    ModelScore score = model.score(f);
    assertTrue(score.probability() > 0 && score.probability() < 1);
    assertEquals((int) Math.round(score.probability() * 500), score.points());
    assertEquals(model.currentVersion(), score.version());
    assertEquals(1, score.reasons().size());
    Reason reason = score.reasons().get(0);
    assertEquals(Reason.MODEL, reason.ruleId());
    assertEquals(score.points(), reason.points());
    assertNull(reason.forcedVerdict());
    assertTrue(reason.description().startsWith(
        String.format(java.util.Locale.ROOT, "model: fraud probability %.2f", score.probability())), reason.description());
    assertEquals(3, reason.features().size());
    reason.features().forEach((name, value) -> assertEquals(f.text(name), value));
  }

  @Test
  void aDegradedPaymentIsScoredFromTheRequestFeaturesAlone() {
    Features degraded = Features.builder()
        .number(FeatureNames.AMOUNT_MINOR, 450)
        .flag(FeatureNames.DEVICE_KNOWN, true)
        .flag(FeatureNames.CASH_EQUIVALENT, false)
        .number(FeatureNames.KYC_TIER, 2)
        .flag(FeatureNames.DEGRADED, true)
        .build();
    ModelScore score = model.score(degraded);
    assertTrue(score.probability() > 0 && score.probability() < 0.5, "p = " + score.probability());
    Reason reason = score.reasons().get(0);
    assertTrue(reason.features().size() <= 3);
    reason.features().keySet().forEach(name -> assertTrue(degraded.has(name), name));
  }

  @Test
  void learningFraudRaisesTheProbabilityAndPersistsEveryStep() {
    Features f = ambiguous(1_700);
    double before = undecided(f);
    long updatesBefore = activeUpdates();
    String version = null;
    for (int i = 0; i < 5; i++) {
      version = Sql.await(() -> model.learn(f, true));
    }
    double after = model.score(f).probability();
    assertTrue(after > before, before + " -> " + after);
    assertTrue(activeUpdates() >= updatesBefore + 5);
    // What this replica scores with is what the row holds.
    assertEquals(storedModel().probability(f), after, 0.0);
    assertTrue(version.matches("baseline-[0-9a-f]{12}\\+\\d+"), version);
  }

  @Test
  void learningLegitimateLowersTheProbability() {
    Features f = ambiguous(2_300);
    double before = undecided(f);
    Sql.await(() -> model.learn(f, false));
    Sql.await(() -> model.learn(f, Outcome.DISPUTE_WON));
    assertTrue(model.score(f).probability() < before);
  }

  @Test
  void aRefundTeachesNothing() {
    long updatesBefore = activeUpdates();
    assertNull(Sql.await(() -> model.learn(cardTesting(31), Outcome.REFUNDED)));
    assertEquals(updatesBefore, activeUpdates());
  }

  @Test
  void tenConcurrentLearnsAreAllCounted() throws Exception {
    Features f = ambiguous(5_500);
    long updatesBefore = activeUpdates();
    List<String> versions = runConcurrently(10, i -> Sql.await(() -> model.learn(f, i % 2 == 0)));
    assertEquals(updatesBefore + 10, activeUpdates());
    Set<String> distinct = new HashSet<>(versions);
    assertEquals(10, distinct.size(), "each learn got its own step: " + versions);
  }

  @Test
  void aChangeMadeByAnotherReplicaIsPickedUpByTheReload() {
    Features f = ambiguous(7_100);
    LogisticModel stored = storedModel();
    LogisticModel elsewhere = stored.updated(f, true, 0.5, 0);
    Sql.update(
        "update model_versions set parameters = cast(cast(?1 as text) as jsonb), updates = updates + 1 where active",
        elsewhere.toJson());
    long updates = activeUpdates();
    Sql.await(model::reload);
    assertTrue(model.currentVersion().endsWith("+" + updates), model.currentVersion());
    assertEquals(elsewhere.probability(f), model.score(f).probability(), 0.0);
    assertTrue(elsewhere.probability(f) > stored.probability(f));
  }

  private interface Task {
    String run(int index) throws Exception;
  }

  /** Starts {@code n} tasks together on their own threads and returns their results. */
  private static List<String> runConcurrently(int n, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          start.await();
          return task.run(index);
        }));
      }
      start.countDown();
      List<String> results = new ArrayList<>();
      for (Future<String> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
