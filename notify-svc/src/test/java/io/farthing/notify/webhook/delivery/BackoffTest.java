package io.farthing.notify.webhook.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void theCeilingDoublesPerFailedAttemptUpToTheMaximum() {
    Backoff backoff = new Backoff(Duration.ofSeconds(60), Duration.ofHours(24));

    assertEquals(60_000, backoff.ceilingMs(1));
    assertEquals(120_000, backoff.ceilingMs(2));
    assertEquals(240_000, backoff.ceilingMs(3));
    assertEquals(Duration.ofHours(24).toMillis(), backoff.ceilingMs(12));
    assertEquals(Duration.ofHours(24).toMillis(), backoff.ceilingMs(1000));
  }

  @Test
  void fullJitterWaitsBetweenZeroAndTheCeiling() {
    assertEquals(0, new Backoff(Duration.ofSeconds(60), Duration.ofHours(1), () -> 0.0).delayMs(5));
    assertEquals(
        new Backoff(Duration.ofSeconds(60), Duration.ofHours(1)).ceilingMs(5),
        new Backoff(Duration.ofSeconds(60), Duration.ofHours(1), () -> 0.999999999).delayMs(5));
    Backoff random = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    for (int i = 0; i < 1000; i++) {
      long d = random.delayMs(4);
      assertTrue(d >= 0 && d <= 800, "delay " + d);
    }
  }

  @Test
  void theProductionScheduleSpansAboutThreeDaysOverFifteenAttempts() {
    Backoff backoff = new Backoff(Duration.ofSeconds(60), Duration.ofHours(24));
    long ceilingSum = 0;
    for (int failed = 1; failed < 15; failed++) {
      ceilingSum += backoff.ceilingMs(failed);
    }
    // Full jitter waits half the ceiling on average: about 2.2 days expected, 4.4 days at most.
    assertTrue(ceilingSum > Duration.ofDays(4).toMillis() && ceilingSum < Duration.ofDays(5).toMillis(), "" + ceilingSum);
  }
}
