package io.farthing.risk.feature;

import static io.farthing.risk.feature.Contexts.aContext;
import static io.farthing.risk.feature.Contexts.before;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.risk.score.Channel;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A user's stored events are bounded by risk.features.max-events-per-user: the newest stay. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
@TestProfile(FeatureBoundsTest.FiveEvents.class)
class FeatureBoundsTest extends AbstractFeatureStoreTest {

  public static class FiveEvents implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      // Running sums from the first payment, so dropping the oldest must also leave the sums.
      return Map.of("risk.features.max-events-per-user", "5", "risk.features.incremental-sums-above", "0");
    }
  }

  @Inject RedisDataSource redis;

  @Test
  void onlyTheNewestEventsAreKept() {
    UUID user = UUID.randomUUID();
    for (int i = 8; i >= 1; i--) {
      observe(aContext().user(user).amount(i * 100L).device("d-" + i).ip("10.0.0." + i).at(before(Duration.ofSeconds(i))).build());
    }
    var now = observe(aContext().user(user).amount(1).device("d-now").ip("10.0.1.1").build());
    assertEquals(5, number(now, FeatureNames.COUNT_1M));
    assertEquals(1 + 100 + 200 + 300 + 400, number(now, FeatureNames.SUM_1M), "the oldest were dropped");
    assertEquals(5, number(now, FeatureNames.DEVICES_24H));
    assertEquals(5, number(now, FeatureNames.IPS_24H));
    assertEquals(5, redis.sortedSet(String.class).zcard(FeatureKeys.events(user)));
    assertEquals(5, redis.sortedSet(String.class).zcard(FeatureKeys.devices(user)));
    assertTrue(redis.key().pttl(FeatureKeys.sums(user)) > 0, "the running sums expire too");
  }

  @Test
  void nearLimitPaymentsAreBoundedToo() {
    UUID user = UUID.randomUUID();
    for (int i = 7; i >= 1; i--) {
      observe(aContext().user(user).channel(Channel.TOP_UP).amount(95_000).at(before(Duration.ofHours(i))).build());
    }
    var now = observe(aContext().user(user).channel(Channel.TOP_UP).amount(95_000).build());
    assertEquals(5, number(now, FeatureNames.NEAR_LIMIT_COUNT_7D));
    assertEquals(5, redis.sortedSet(String.class).zcard(FeatureKeys.nearLimit(user)));
  }
}
