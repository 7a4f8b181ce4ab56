package io.farthing.risk.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class VerdictsTest {

  @Test
  void thresholdsAreInclusive() {
    assertEquals(Verdict.ALLOW, Verdicts.decide(399, 400, 800, null));
    assertEquals(Verdict.CHALLENGE, Verdicts.decide(400, 400, 800, null));
    assertEquals(Verdict.CHALLENGE, Verdicts.decide(799, 400, 800, null));
    assertEquals(Verdict.DENY, Verdicts.decide(800, 400, 800, null));
  }

  @Test
  void aForcedDenyOrAllowWinsOverTheScore() {
    assertEquals(Verdict.ALLOW, Verdicts.decide(950, 400, 800, Verdict.ALLOW));
    assertEquals(Verdict.DENY, Verdicts.decide(0, 400, 800, Verdict.DENY));
  }

  @Test
  void aForcedChallengeNeverSoftensADenial() {
    assertEquals(Verdict.CHALLENGE, Verdicts.decide(0, 400, 800, Verdict.CHALLENGE));
    assertEquals(Verdict.CHALLENGE, Verdicts.decide(500, 400, 800, Verdict.CHALLENGE));
    assertEquals(Verdict.DENY, Verdicts.decide(900, 400, 800, Verdict.CHALLENGE));
  }

  @Test
  void denyBeatsChallengeBeatsAllowAmongForcedVerdicts() {
    assertEquals(Verdict.DENY, Verdicts.strongerForce(Verdict.CHALLENGE, Verdict.DENY));
    assertEquals(Verdict.CHALLENGE, Verdicts.strongerForce(Verdict.CHALLENGE, Verdict.ALLOW));
    assertEquals(Verdict.ALLOW, Verdicts.strongerForce(null, Verdict.ALLOW));
    assertNull(Verdicts.strongerForce(null, null));
  }

  @Test
  void scoresAreClampedToTheScale() {
    assertEquals(0, Verdicts.clampScore(-250));
    assertEquals(1000, Verdicts.clampScore(4_000));
    assertEquals(512, Verdicts.clampScore(512));
  }
}
