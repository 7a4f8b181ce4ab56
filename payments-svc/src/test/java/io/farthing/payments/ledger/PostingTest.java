package io.farthing.payments.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostingTest {
  final UUID a = UUID.randomUUID();
  final UUID b = UUID.randomUUID();
  final UUID c = UUID.randomUUID();

  @Test
  void buildsABalancedPostingAndDropsZeroLines() {
    Posting posting =
        Posting.builder("CHARGE_CAPTURE", UUID.randomUUID())
            .line(a, "EUR", -100)
            .line(b, "EUR", 100)
            .line(c, "EUR", 0)
            .build();
    assertEquals(2, posting.entries().size());
  }

  @Test
  void refusesAPostingThatDoesNotSumToZero() {
    assertThrows(
        IllegalStateException.class,
        () -> Posting.builder("X", UUID.randomUUID()).line(a, "EUR", -100).line(b, "EUR", 99).build());
  }

  @Test
  void refusesAPostingThatBalancesOnlyAcrossCurrencies() {
    assertThrows(
        IllegalStateException.class,
        () -> Posting.builder("X", UUID.randomUUID()).line(a, "EUR", -100).line(b, "USD", 100).build());
  }

  @Test
  void refusesAPostingWithFewerThanTwoEntries() {
    assertThrows(IllegalStateException.class, () -> Posting.builder("X", UUID.randomUUID()).move(a, b, "EUR", 0).build());
  }
}
