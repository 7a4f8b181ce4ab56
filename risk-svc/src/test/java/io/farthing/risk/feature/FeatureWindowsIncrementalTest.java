package io.farthing.risk.feature;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;

/**
 * The same window edges with running sums from the first payment on (the path very active users
 * take), so both ways of computing the sums are held to the same answers.
 */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
@TestProfile(FeatureWindowsIncrementalTest.RunningSumsAlways.class)
class FeatureWindowsIncrementalTest extends FeatureWindowsTest {

  public static class RunningSumsAlways implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("risk.features.incremental-sums-above", "0");
    }
  }
}
