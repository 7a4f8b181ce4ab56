package io.farthing.risk.score;

/** What the caller must do with the movement of money. Ordered by severity. */
public enum Verdict {
  ALLOW,
  CHALLENGE,
  DENY;

  /** The more severe of the two. */
  public Verdict atLeast(Verdict other) {
    return other != null && other.ordinal() > ordinal() ? other : this;
  }
}
