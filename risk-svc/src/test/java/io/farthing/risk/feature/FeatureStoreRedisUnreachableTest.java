package io.farthing.risk.feature;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

/** Redis refuses connections (a closed local port): REDIS_UNAVAILABLE, then CIRCUIT_OPEN. */
@QuarkusTest
@QuarkusTestResource(io.farthing.risk.support.RiskTestDatabase.class)
@QuarkusTestResource(io.farthing.testing.TestJwks.class)
@TestProfile(FeatureStoreRedisUnreachableTest.ClosedPort.class)
class FeatureStoreRedisUnreachableTest extends AbstractDegradedFeatureStoreTest {

  public static class ClosedPort implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      String url = "redis://127.0.0.1:" + closedPort();
      return Map.of("quarkus.redis.hosts", url, "%test.quarkus.redis.hosts", url);
    }

    /** A port that was free a moment ago and that nothing listens on now. */
    private static int closedPort() {
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return probe.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  String expectedCause() {
    return FeatureStore.REDIS_UNAVAILABLE;
  }
}
