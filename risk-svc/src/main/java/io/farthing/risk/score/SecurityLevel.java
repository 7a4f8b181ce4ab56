package io.farthing.risk.score;

/** The user's own choice at auth-svc: how readily they want to be asked to confirm. */
public enum SecurityLevel {
  STANDARD,
  STRICT,
  ALWAYS
}
