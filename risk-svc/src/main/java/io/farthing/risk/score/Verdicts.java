package io.farthing.risk.score;

/**
 * The one place a score and the forced verdicts become a verdict, used by scoring and by rule
 * dry-runs alike. A forced DENY beats a forced CHALLENGE, which beats a forced ALLOW; a forced
 * ALLOW beats the thresholds; otherwise {@code score >= denyAt} denies and
 * {@code score >= challengeAt} challenges.
 */
public final class Verdicts {
  public static final int MIN_SCORE = 0;
  public static final int MAX_SCORE = 1000;

  private Verdicts() {}

  public static int clampScore(long points) {
    return (int) Math.max(MIN_SCORE, Math.min(MAX_SCORE, points));
  }

  /** @param forced the strongest verdict a rule forced, or null */
  public static Verdict decide(int score, int challengeAt, int denyAt, Verdict forced) {
    if (forced != null) {
      return forced;
    }
    if (score >= denyAt) {
      return Verdict.DENY;
    }
    return score >= challengeAt ? Verdict.CHALLENGE : Verdict.ALLOW;
  }

  /** The stronger of two forced verdicts (DENY > CHALLENGE > ALLOW); either may be null. */
  public static Verdict strongerForce(Verdict a, Verdict b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a.atLeast(b);
  }
}
