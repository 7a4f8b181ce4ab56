package io.farthing.payments.outbox;

import io.farthing.testing.ClusterDns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link OutboxRelayTest} again with all three gRPC clients in the k8s profile's mode, configured
 * through the chart's env names: the Vert.x client over Stork DNS discovery of the headless Service
 * names (A records, refreshed every second), deadlines enforced by
 * io.farthing.common.grpc.ClientDeadlines. The charges ask the auth and risk stand-ins, the relay
 * publishes to the notify stand-in (all served by the test app), and the names resolve only
 * through the test's DNS server.
 */
@QuarkusTest
@TestProfile(OutboxRelayK8sTest.K8sProfile.class)
class OutboxRelayK8sTest extends OutboxRelayTest {

  /** test,k8s: k8s last, as QUARKUS_PROFILE=prod,k8s puts it. */
  public static class K8sProfile implements QuarkusTestProfile {
    static final List<String> CLIENTS = List.of("auth", "risk", "notify");

    static String headless(String client) {
      return "farthing-" + client + "-headless.farthing.svc.cluster.local";
    }

    @Override
    public String getConfigProfile() {
      return "test,k8s";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> env = new HashMap<>();
      for (String client : CLIENTS) {
        String c = client.toUpperCase(java.util.Locale.ROOT);
        env.put("FARTHING_" + c + "_DISCOVERY_HOST", headless(client));
        env.put("FARTHING_" + c + "_PORT", "${quarkus.http.test-port}");
      }
      env.put("FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS", "1");
      return env;
    }

    @Override
    public List<TestResourceEntry> testResources() {
      String names = String.join(",", CLIENTS.stream().map(K8sProfile::headless).toList());
      return List.of(new TestResourceEntry(ClusterDns.class, Map.of("names", names, "clients", String.join(",", CLIENTS))));
    }
  }
}
