package io.farthing.common;

import io.vertx.sqlclient.DatabaseException;

/**
 * Free text a caller sends (names, descriptions, notes, references, emails, URLs, metadata…) must
 * be text: no U+0000 and no unpaired UTF-16 surrogate. PostgreSQL refuses NUL in {@code text}
 * (SQLSTATE 22021, which would surface as an internal error), and a lone surrogate cannot be
 * encoded as UTF-8, so it would be stored silently as '?': a different value from the one sent.
 * Both are refused up front with reason {@link #INVALID_CHARACTER}. Every other code point,
 * control characters and emoji included, is the field's own rules' business.
 */
public final class Text {
  public static final String INVALID_CHARACTER = "INVALID_CHARACTER";

  private Text() {}

  /** The index of the first NUL or unpaired surrogate in {@code text}, or -1 if there is none. */
  public static int firstBadChar(CharSequence text) {
    int length = text.length();
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c == '\u0000') {
        return i;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++; // a pair: one code point outside the BMP
          continue;
        }
        return i;
      }
      if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  public static boolean isClean(CharSequence text) {
    return text == null || firstBadChar(text) < 0;
  }

  /**
   * {@code value} itself when it is clean (null passes: presence is the field's own rule), else
   * an INVALID_CHARACTER refusal naming {@code field} and the position, never the text.
   */
  public static String requireClean(String field, String value) {
    if (value != null) {
      int bad = firstBadChar(value);
      if (bad >= 0) {
        throw invalidCharacter(field, value.charAt(bad) == '\u0000' ? "U+0000 (NUL)" : "an unpaired UTF-16 surrogate", bad);
      }
    }
    return value;
  }

  private static ApiException invalidCharacter(String field, String what, int index) {
    return ApiException.invalid(
        field + " contains " + what + " at position " + index + ", which text may not hold", INVALID_CHARACTER);
  }

  /** The refusal for a value the database found it cannot store as text (see {@link #rejectedByDatabase}). */
  public static ApiException invalidCharacter() {
    return ApiException.invalid(
        "The request holds a character that text may not hold (U+0000 or an unpaired surrogate)", INVALID_CHARACTER);
  }

  /**
   * Whether {@code failure} is PostgreSQL refusing a character (22021 character not in repertoire:
   * NUL in text; 22P05 untranslatable character): the last line of defence for a path that did not
   * check its text first. It is the caller's input, so the answer is INVALID_CHARACTER, not
   * INTERNAL; the statement failed, so its transaction stored nothing.
   */
  public static boolean rejectedByDatabase(Throwable failure) {
    return Causes.anyMatch(failure, t -> t instanceof DatabaseException db
        && ("22021".equals(db.getSqlState()) || "22P05".equals(db.getSqlState())));
  }
}
