package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
  @Test
  void readsShortFormsAndIso() {
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofSeconds(60), DurationConverter.parse("60s"));
    assertEquals(Duration.ofMinutes(2), DurationConverter.parse("2m"));
    assertEquals(Duration.ofHours(1), DurationConverter.parse("1h"));
    assertEquals(Duration.ofSeconds(90), DurationConverter.parse("PT1M30S"));
  }

  @Test
  void refusesNonsense() {
    assertThrows(TypeConversionException.class, () -> DurationConverter.parse("soon"));
    assertThrows(TypeConversionException.class, () -> DurationConverter.parse("5 s"));
  }
}
