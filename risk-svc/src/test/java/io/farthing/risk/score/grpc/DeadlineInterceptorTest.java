package io.farthing.risk.score.grpc;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineInterceptorTest {

  @Test
  void readsTheGrpcTimeoutHeaderInEveryUnit() {
    assertBetween(DeadlineInterceptor.parse("50m"), 40, 50);
    assertBetween(DeadlineInterceptor.parse("2S"), 1_990, 2_000);
    assertBetween(DeadlineInterceptor.parse("20000u"), 10, 20);
    assertBetween(DeadlineInterceptor.parse("1M"), 59_990, 60_000);
  }

  @Test
  void ignoresMalformedHeaders() {
    assertNull(DeadlineInterceptor.parse(null));
    assertNull(DeadlineInterceptor.parse("m"));
    assertNull(DeadlineInterceptor.parse("12x"));
    assertNull(DeadlineInterceptor.parse("abcm"));
    assertNull(DeadlineInterceptor.parse("123456789m"));
  }

  private static void assertBetween(Deadline deadline, long minMs, long maxMs) {
    long left = deadline.timeRemaining(TimeUnit.MILLISECONDS);
    assertTrue(left >= minMs && left <= maxMs, "remaining " + left + " ms");
  }
}
