package io.farthing.bench.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScoreWorkloadTest {
  private static final int N = 100_000;

  @Test
  void theSameSeedGivesTheSameStream() {
    ScoreWorkload a = new ScoreWorkload(1_000, 7, "run");
    ScoreWorkload b = new ScoreWorkload(1_000, 7, "run");
    for (int i = 0; i < 1_000; i++) {
      assertEquals(a.next(i), b.next(i));
    }
    assertFalse(new ScoreWorkload(1_000, 8, "run").next(0).equals(new ScoreWorkload(1_000, 7, "run").next(0)));
  }

  @Test
  void everyRequestIsValidForTheContract() {
    ScoreWorkload w = new ScoreWorkload(5_000, 1, "abc");
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < N; i++) {
      ScoreRequest r = w.next(i);
      assertTrue(ids.add(r.getRequestId()), "request ids are unique");
      assertTrue(r.getRequestId().length() <= 128);
      UUID.fromString(r.getUserId());
      assertTrue(r.getAmount().getAmountMinor() > 0);
      assertEquals("EUR", r.getAmount().getCurrency());
      assertTrue(r.getChannel() != Channel.CHANNEL_UNSPECIFIED && r.getChannel() != Channel.UNRECOGNIZED);
      assertTrue(r.getKycTier() >= 0 && r.getKycTier() <= 3);
      assertTrue(Set.of("STANDARD", "STRICT", "ALWAYS").contains(r.getSecurityLevel()));
      if (r.getChannel() == Channel.CHANNEL_P2P) {
        UUID.fromString(r.getCounterpartyUserId());
      }
      if (r.getHasLocation()) {
        assertTrue(Math.abs(r.getLatitudeE6()) <= 90_000_000 && Math.abs(r.getLongitudeE6()) <= 180_000_000);
      }
    }
  }

  @Test
  void mostlySmallPaymentsOnKnownDevicesWithAboutOneAndAHalfPercentAnomalies() {
    ScoreWorkload w = new ScoreWorkload(20_000, 3, "mix");
    Map<Channel, Integer> channels = new EnumMap<>(Channel.class);
    int small = 0;
    int known = 0;
    for (int i = 0; i < N; i++) {
      ScoreRequest r = w.next(i);
      channels.merge(r.getChannel(), 1, Integer::sum);
      long amount = r.getAmount().getAmountMinor();
      boolean purchase = r.getChannel() == Channel.CHANNEL_IN_APP || r.getChannel() == Channel.CHANNEL_QR
          || r.getChannel() == Channel.CHANNEL_NFC;
      if (purchase && amount >= 5 && amount <= 500) {
        small++;
      }
      if (r.getDeviceKnown()) {
        known++;
      }
    }
    int purchases = channels.get(Channel.CHANNEL_IN_APP) + channels.get(Channel.CHANNEL_QR) + channels.get(Channel.CHANNEL_NFC);
    assertTrue(purchases > 0.85 * N, "purchases " + channels);
    assertTrue(channels.get(Channel.CHANNEL_P2P) > 0.04 * N && channels.get(Channel.CHANNEL_P2P) < 0.10 * N, "P2P " + channels);
    assertTrue(channels.get(Channel.CHANNEL_TOP_UP) > 0.03 * N && channels.get(Channel.CHANNEL_TOP_UP) < 0.08 * N, "top-ups " + channels);
    assertTrue(small > 0.98 * purchases, "small purchases " + small + " of " + purchases);
    assertTrue(known > 0.99 * N, "known devices " + known);

    Map<String, Long> mix = w.mix();
    assertEquals(N, mix.values().stream().mapToLong(Long::longValue).sum());
    long anomalies = N - mix.get("NORMAL");
    // 1.5 % drawn, plus the burst requests that follow each VELOCITY_BURST start.
    assertTrue(anomalies > 0.010 * N && anomalies < 0.035 * N, "anomalies " + mix);
    for (ScoreWorkload.Anomaly a : ScoreWorkload.Anomaly.values()) {
      assertTrue(mix.get(a.name()) > 0, a + " never drawn: " + mix);
    }
  }

  @Test
  void usersKeepTheirHomeAndDevices() {
    ScoreWorkload w = new ScoreWorkload(50, 5, "home");
    Map<String, Set<String>> devices = new java.util.HashMap<>();
    Map<String, Set<String>> countries = new java.util.HashMap<>();
    for (int i = 0; i < 20_000; i++) {
      ScoreRequest r = w.next(i);
      if (r.getDeviceKnown()) {
        devices.computeIfAbsent(r.getUserId(), k -> new HashSet<>()).add(r.getDeviceId());
        if (r.getChannel() == Channel.CHANNEL_QR) {
          countries.computeIfAbsent(r.getUserId(), k -> new HashSet<>()).add(r.getCountry());
        }
      }
    }
    assertEquals(50, devices.size());
    devices.values().forEach(d -> assertTrue(d.size() <= 2, "known devices " + d));
    countries.values().forEach(c -> assertEquals(1, c.size(), "QR payments at home " + c));
  }

  @Test
  void refusesAnEmptyPopulation() {
    assertThrows(IllegalArgumentException.class, () -> new ScoreWorkload(0, 1, "x"));
  }
}
