package io.farthing.auth.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TotpTest {
  /** The SHA-1 seed of RFC 6238 Appendix B and RFC 4226 Appendix D. */
  private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest(name = "t={0} -> {1}")
  @CsvSource({
    "59, 94287082",
    "1111111109, 07081804",
    "1111111111, 14050471",
    "1234567890, 89005924",
    "2000000000, 69279037",
    "20000000000, 65353130"
  })
  void matchesRfc6238Sha1Vectors(long unixSeconds, String expected) {
    long step = Totp.stepAt(Instant.ofEpochSecond(unixSeconds));
    assertEquals(expected, Totp.code(RFC_SECRET, step, 8));
  }

  @ParameterizedTest(name = "t={0} -> {1}")
  @CsvSource({"59, 287082", "1111111109, 081804", "1111111111, 050471", "2000000000, 279037"})
  void sixDigitCodesAreTheLastSixDigitsWithLeadingZerosKept(long unixSeconds, String expected) {
    assertEquals(expected, Totp.code(RFC_SECRET, Totp.stepAt(Instant.ofEpochSecond(unixSeconds)), 6));
  }

  @ParameterizedTest(name = "counter {0} -> {1}")
  @CsvSource({
    "0, 755224", "1, 287082", "2, 359152", "3, 969429", "4, 338314",
    "5, 254676", "6, 287922", "7, 162583", "8, 399871", "9, 520489"
  })
  void truncatesLikeRfc4226HotpVectors(long counter, String expected) {
    assertEquals(expected, Totp.code(RFC_SECRET, counter, Totp.DIGITS));
  }

  @Test
  void stepsAreThirtySecondsLong() {
    assertEquals(0, Totp.stepAt(Instant.ofEpochSecond(29)));
    assertEquals(1, Totp.stepAt(Instant.ofEpochSecond(30)));
    assertEquals(37037036, Totp.stepAt(Instant.ofEpochSecond(1111111109)));
  }

  @Test
  void acceptsCodesOneStepEitherSideAndReportsTheirStep() {
    long now = 1_000_000;
    for (long step = now - 1; step <= now + 1; step++) {
      OptionalLong matched = Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step, 6), now);
      assertEquals(OptionalLong.of(step), matched);
    }
  }

  @Test
  void refusesCodesTwoStepsAwayInEitherDirection() {
    long now = 1_000_000;
    assertTrue(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now - 2, 6), now).isEmpty());
    assertTrue(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now + 2, 6), now).isEmpty());
  }

  @Test
  void refusesMalformedCodes() {
    long now = 1_000_000;
    String good = Totp.code(RFC_SECRET, now, 6);
    assertTrue(Totp.matchingStep(RFC_SECRET, good.substring(1), now).isEmpty());
    assertTrue(Totp.matchingStep(RFC_SECRET, good + "0", now).isEmpty());
    assertTrue(Totp.matchingStep(RFC_SECRET, "12a456", now).isEmpty());
    assertTrue(Totp.matchingStep(RFC_SECRET, null, now).isEmpty());
    assertFalse(Totp.isWellFormed("１２３４５６"));
  }

  @Test
  void normalizesWhatPeopleType() {
    assertEquals("123456", Totp.normalize(" 123 456 "));
    assertEquals("123456", Totp.normalize("123-456"));
  }

  @Test
  void newSecretsAre160BitsAndDiffer() {
    byte[] a = Totp.newSecret();
    byte[] b = Totp.newSecret();
    assertEquals(20, a.length);
    assertFalse(java.util.Arrays.equals(a, b));
  }

  @Test
  void refusesUnsupportedDigitCounts() {
    assertThrows(IllegalArgumentException.class, () -> Totp.code(RFC_SECRET, 1, 9));
  }
}
