package io.farthing.risk.score;

/**
 * The one place a score and the forced verdicts become a verdict, used by scoring and by rule
 * dry-runs alike. By the score: {@code score >= denyAt} denies, {@code score >= challengeAt}
 * challenges. The strongest forced verdict then applies: DENY denies; CHALLENGE is a floor (a
 * score that denies still denies — a rule asking for confirmation never softens a denial);
 * ALLOW is an operator's explicit allow-listing and wins over the score, never over a forced
 * CHALLENGE or DENY (those are stronger forces, see {@link #strongerForce}).
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
    Verdict byScore =
        score >= denyAt ? Verdict.DENY : score >= challengeAt ? Verdict.CHALLENGE : Verdict.ALLOW;
    if (forced == null) {
      return byScore;
    }
    return switch (forced) {
      case DENY -> Verdict.DENY;
      case CHALLENGE -> byScore.atLeast(Verdict.CHALLENGE);
      case ALLOW -> Verdict.ALLOW;
    };
  }

  /** The stronger of two forced verdicts (DENY > CHALLENGE > ALLOW); either may be null. */
  public static Verdict strongerForce(Verdict a, Verdict b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : a.atLeast(b);
  }
}
