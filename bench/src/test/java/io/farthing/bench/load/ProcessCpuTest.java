package io.farthing.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  @Test
  void watchesAreAPidOrAPartOfTheCommandLine() {
    assertEquals(new ProcessCpu.Watch("svc", 42, null), ProcessCpu.Watch.parse("svc=42"));
    assertEquals(new ProcessCpu.Watch("pg", -1, " farthing_x "), ProcessCpu.Watch.parse("pg=~ farthing_x "));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.Watch.parse("svc"));
    assertThrows(IllegalArgumentException.class, () -> ProcessCpu.Watch.parse("svc=abc"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void countsTheCpuAProcessUsedBetweenTwoSamples() {
    long self = ProcessHandle.current().pid();
    ProcessCpu cpu = new ProcessCpu(List.of(ProcessCpu.Watch.parse("me=" + self),
        ProcessCpu.Watch.parse("gone=" + Long.MAX_VALUE)), 100);
    ProcessCpu.Snapshot before = cpu.sample();
    long until = System.nanoTime() + 300_000_000L;
    long x = 0;
    while (System.nanoTime() < until) {
      x += Long.numberOfTrailingZeros(x + System.nanoTime());
    }
    Map<String, Object> used = cpu.between(before, cpu.sample());
    Map<String, Object> seconds = (Map<String, Object>) used.get("cpuSeconds");
    if (ProcessCpu.ticks(self) >= 0) { // Linux
      assertTrue(((Number) seconds.get("me")).doubleValue() > 0.05, "used " + used + " " + x);
    }
    assertEquals(0.0, ((Number) seconds.get("gone")).doubleValue());
  }
}
