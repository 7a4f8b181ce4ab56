package io.farthing.risk.feature;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;

/** Redis accepts connections and never answers: REDIS_TIMEOUT after the budget, then CIRCUIT_OPEN. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
@TestProfile(FeatureStoreRedisStalledTest.Stalled.class)
class FeatureStoreRedisStalledTest extends AbstractDegradedFeatureStoreTest {

  public static class Stalled implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(StalledRedis.class));
    }
  }

  @Override
  String expectedCause() {
    return FeatureStore.REDIS_TIMEOUT;
  }
}
