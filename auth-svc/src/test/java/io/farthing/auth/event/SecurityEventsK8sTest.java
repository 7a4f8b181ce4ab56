package io.farthing.auth.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.testing.ClusterDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * {@link SecurityEventsTest} again with the k8s profile's notify client, configured through the
 * chart's env names: the Vert.x gRPC client, Stork DNS discovery of the headless Service name (A
 * records, refreshed every second), and the relay's Publish deadline enforced by
 * io.farthing.common.grpc.ClientDeadlines. The name resolves only through the test's DNS server
 * (it lists the test app, which serves the notify stand-in), so every alert that reaches
 * FakeNotify went that way.
 */
@QuarkusTest
@TestProfile(SecurityEventsK8sTest.K8sProfile.class)
class SecurityEventsK8sTest extends SecurityEventsTest {
  static final String NOTIFY_NAME = "farthing-notify-headless.farthing.svc.cluster.local";

  @Test
  void theNotifyClientRunsInTheK8sProfilesMode() {
    var config = ConfigProvider.getConfig();
    assertEquals("stork", config.getValue("quarkus.grpc.clients.notify.name-resolver", String.class));
    assertEquals("notify", config.getValue("quarkus.grpc.clients.notify.host", String.class));
    assertEquals(true, config.getValue("quarkus.grpc.clients.notify.use-quarkus-grpc-client", Boolean.class));
    assertEquals(1L, config.getValue("quarkus.grpc.clients.notify.stork.period", Long.class));
    assertEquals("A", config.getValue("quarkus.stork.notify.service-discovery.record-type", String.class));
    assertEquals("1s", config.getValue("quarkus.stork.notify.service-discovery.refresh-period", String.class));
    assertEquals(NOTIFY_NAME, config.getValue("quarkus.stork.notify.service-discovery.hostname", String.class));
  }

  /** test,k8s: k8s last, as QUARKUS_PROFILE=prod,k8s puts it; the chart's env names for the notify client. */
  public static class K8sProfile implements QuarkusTestProfile {
    @Override
    public String getConfigProfile() {
      return "test,k8s";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "FARTHING_NOTIFY_DISCOVERY_HOST", NOTIFY_NAME,
          "FARTHING_NOTIFY_PORT", "${quarkus.http.test-port}",
          "FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS", "1");
    }

    @Override
    public List<TestResourceEntry> testResources() {
      return List.of(new TestResourceEntry(ClusterDns.class, Map.of("names", NOTIFY_NAME, "clients", "notify")));
    }
  }
}
