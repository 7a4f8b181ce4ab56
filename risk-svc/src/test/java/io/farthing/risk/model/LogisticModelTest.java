package io.farthing.risk.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.feature.Features;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogisticModelTest {

  /**
   * bias −1; count_1m capped at 100, mean 1, scale 2, weight 0.5; device_known a flag, mean 0.5,
   * scale 0.5, weight −2.
   */
  private static final LogisticModel MODEL =
      new LogisticModel(
          -1.0,
          List.of(
              new LogisticModel.Parameter(FeatureNames.COUNT_1M, Transform.CAP, 100, 1, 2, 0.5),
              new LogisticModel.Parameter(FeatureNames.DEVICE_KNOWN, Transform.FLAG, 1, 0.5, 0.5, -2)));

  private static Features burstFromUnknownDevice() {
    return Features.builder().number(FeatureNames.COUNT_1M, 5).flag(FeatureNames.DEVICE_KNOWN, false).build();
  }

  @Test
  void probabilityIsTheSigmoidOfTheStandardisedWeightedSum() {
    // z = −1 + 0.5 × (5 − 1) / 2 + (−2) × (0 − 0.5) / 0.5 = −1 + 1 + 2 = 2
    assertEquals(2.0, MODEL.logit(burstFromUnknownDevice()), 1e-12);
    assertEquals(1 / (1 + Math.exp(-2)), MODEL.probability(burstFromUnknownDevice()), 1e-12);
    assertEquals(0.8807970779778823, MODEL.probability(burstFromUnknownDevice()), 1e-12);
  }

  @Test
  void aMissingFeatureCountsAsItsTrainingMean() {
    Features onlyCount = Features.builder().number(FeatureNames.COUNT_1M, 5).build();
    assertEquals(0.0, MODEL.logit(onlyCount), 1e-12); // −1 + 1 + 0
    assertEquals(0.5, MODEL.probability(onlyCount), 1e-12);
    assertEquals(1 / (1 + Math.exp(1)), MODEL.probability(Features.builder().build()), 1e-12);
  }

  @Test
  void labelsAndFeaturesOutsideTheModelAreIgnored() {
    Features extra = burstFromUnknownDevice().toBuilder()
        .number(FeatureNames.TRAVEL_KMH, 90_000)
        .label(FeatureNames.CHANNEL, "P2P")
        .build();
    assertEquals(MODEL.probability(burstFromUnknownDevice()), MODEL.probability(extra));
  }

  @Test
  void capsBoundWhatOneAbsurdValueCanDo() {
    Features absurd = Features.builder().number(FeatureNames.COUNT_1M, 1_000_000_000L).build();
    assertEquals(-1 + 0.5 * (100 - 1) / 2.0, MODEL.logit(absurd), 1e-12);
    assertEquals(1.0, new LogisticModel(1000, List.of()).probability(Features.builder().build()), 1e-12);
  }

  @Test
  void transformsAreTheDocumentedOnes() {
    assertEquals(Math.log1p(1000), Transform.LOG1P.apply(1000, 1e7), 1e-12);
    assertEquals(Math.log1p(50), Transform.LOG1P.apply(90, 50), 1e-12);
    assertEquals(0.0, Transform.LOG1P.apply(-5, 50), 0);
    assertEquals(1.0, Transform.FLAG.apply(7, 1), 0);
    assertEquals(0.0, Transform.FLAG.apply(0, 1), 0);
    assertEquals(20.0, Transform.CAP.apply(25, 20), 0);
    assertEquals(-10.0, Transform.SIGNED_CAP.apply(-500, 10), 0);
  }

  @Test
  void topContributionsNameTheFeaturesThatMovedTheLogitMost() {
    List<Contribution> top = MODEL.topContributions(burstFromUnknownDevice(), 3);
    assertEquals(List.of(
        new Contribution(FeatureNames.DEVICE_KNOWN, 0, 2.0),
        new Contribution(FeatureNames.COUNT_1M, 5, 1.0)), top);
    assertEquals(List.of(new Contribution(FeatureNames.DEVICE_KNOWN, 0, 2.0)),
        MODEL.topContributions(burstFromUnknownDevice(), 1));
    assertEquals(List.of(), MODEL.topContributions(Features.builder().build(), 3));
  }

  @Test
  void anSgdStepMovesTheProbabilityTowardTheLabelAndLeavesTheOriginalAlone() {
    Features f = burstFromUnknownDevice();
    double before = MODEL.probability(f);
    LogisticModel towardFraud = MODEL.updated(f, true, 0.1, 0);
    LogisticModel towardLegit = MODEL.updated(f, false, 0.1, 0);
    assertTrue(towardFraud.probability(f) > before);
    assertTrue(towardLegit.probability(f) < before);
    assertEquals(before, MODEL.probability(f));
    // By hand: error = p − 1; weight of count_1m moves by −0.1 × error × 2.
    double error = before - 1;
    assertEquals(0.5 - 0.1 * error * 2, towardFraud.parameters().get(0).weight(), 1e-12);
    assertEquals(-1 - 0.1 * error, towardFraud.bias(), 1e-12);
  }

  @Test
  void l2PullsWeightsTowardZeroEvenForFeaturesThePaymentLacks() {
    LogisticModel decayed = MODEL.updated(Features.builder().build(), false, 0.1, 0.5);
    assertEquals(0.5 * (1 - 0.05), decayed.parameters().get(0).weight(), 1e-12);
    assertEquals(-2 * (1 - 0.05), decayed.parameters().get(1).weight(), 1e-12);
  }

  @Test
  void jsonRoundTripGivesTheSameModelAndTheSameText() {
    String json = MODEL.toJson();
    LogisticModel back = LogisticModel.fromJson(json);
    assertEquals(MODEL, back);
    assertEquals(json, back.toJson());
    assertEquals(MODEL.probability(burstFromUnknownDevice()), back.probability(burstFromUnknownDevice()));
    assertTrue(json.startsWith("{\"format\":1,\"bias\":-1.0,\"features\":[{\"name\":\"count_1m\""), json);
    LogisticModel moved = MODEL.updated(burstFromUnknownDevice(), true, 0.1, 0);
    assertEquals(moved, LogisticModel.fromJson(moved.toJson()));
    assertNotEquals(MODEL.toJson(), moved.toJson());
  }

  @Test
  void unreadableOrInvalidParametersAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> LogisticModel.fromJson("not json"));
    assertThrows(IllegalArgumentException.class, () -> LogisticModel.fromJson("{\"format\":2,\"bias\":0,\"features\":[]}"));
    assertThrows(IllegalArgumentException.class, () -> LogisticModel.fromJson(
        "{\"format\":1,\"bias\":0,\"features\":[{\"name\":\"channel\",\"transform\":\"FLAG\",\"cap\":1,\"mean\":0,\"scale\":1,\"weight\":1}]}"));
    assertThrows(IllegalArgumentException.class, () -> LogisticModel.fromJson(
        "{\"format\":1,\"bias\":0,\"features\":[{\"name\":\"count_1m\",\"transform\":\"CAP\",\"cap\":1,\"mean\":0,\"scale\":0,\"weight\":1}]}"));
    assertThrows(IllegalArgumentException.class, () -> new LogisticModel(0, List.of(
        MODEL.parameters().get(0), MODEL.parameters().get(0))));
    assertThrows(IllegalArgumentException.class, () -> MODEL.updated(burstFromUnknownDevice(), true, 0, 0));
  }
}
