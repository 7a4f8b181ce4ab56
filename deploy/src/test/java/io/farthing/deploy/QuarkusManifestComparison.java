package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares what quarkus-kubernetes generates for a service (target/kubernetes/kubernetes.yml) with
 * the chart's rendering of the same service: container ports (names and numbers), the three
 * probes (path and port, a named port resolved to its number), the exact set of env var names,
 * and that the Service sends its http port to the same container port.
 */
final class QuarkusManifestComparison {

  private static final List<String> PROBES = List.of("startupProbe", "readinessProbe", "livenessProbe");

  private QuarkusManifestComparison() {
  }

  static List<String> differences(Contract.Service service, JsonNode chartDeployment, JsonNode chartService,
      List<JsonNode> generated) {
    List<String> differences = new ArrayList<>();
    String module = service.module();
    Optional<JsonNode> generatedContainer = generated.stream()
        .filter(o -> o.path("kind").asText().equals("Deployment"))
        .flatMap(d -> stream(d.path("spec").path("template").path("spec").path("containers")))
        .filter(c -> c.path("name").asText().equals(module))
        .findFirst();
    if (generatedContainer.isEmpty()) {
      return List.of(module + ": the generated manifest has no Deployment with a container named " + module);
    }
    JsonNode theirs = generatedContainer.get();
    JsonNode ours = chartDeployment.path("spec").path("template").path("spec").path("containers").get(0);

    Map<String, Integer> ourPorts = ports(ours);
    Map<String, Integer> theirPorts = ports(theirs);
    if (!ourPorts.equals(theirPorts)) {
      differences.add(module + ": container ports differ: chart " + ourPorts + ", quarkus-kubernetes " + theirPorts);
    }
    for (String probe : PROBES) {
      String our = probe(ours, probe, ourPorts);
      String their = probe(theirs, probe, theirPorts);
      if (!our.equals(their)) {
        differences.add(module + ": " + probe + " differs: chart " + our + ", quarkus-kubernetes " + their);
      }
    }
    Set<String> ourEnv = envNames(ours);
    Set<String> theirEnv = envNames(theirs);
    if (!ourEnv.equals(theirEnv)) {
      Set<String> onlyChart = new TreeSet<>(ourEnv);
      onlyChart.removeAll(theirEnv);
      Set<String> onlyQuarkus = new TreeSet<>(theirEnv);
      onlyQuarkus.removeAll(ourEnv);
      differences.add(module + ": env var names differ: only in the chart " + onlyChart + ", only in quarkus-kubernetes "
          + onlyQuarkus);
    }
    Integer ourTarget = serviceTarget(chartService, ourPorts);
    List<JsonNode> services = generated.stream().filter(o -> o.path("kind").asText().equals("Service")).toList();
    if (services.isEmpty()) {
      differences.add(module + ": the generated manifest has no Service");
    }
    for (JsonNode theirService : services) {
      Integer theirTarget = serviceTarget(theirService, theirPorts);
      if (ourTarget == null || !ourTarget.equals(theirTarget)) {
        differences.add(module + ": the Services' http ports reach different container ports: chart " + ourTarget
            + ", quarkus-kubernetes " + theirTarget);
      }
    }
    return differences;
  }

  private static Map<String, Integer> ports(JsonNode container) {
    Map<String, Integer> ports = new TreeMap<>();
    container.path("ports").forEach(p -> ports.put(p.path("name").asText(""), p.path("containerPort").asInt()));
    return ports;
  }

  private static String probe(JsonNode container, String probe, Map<String, Integer> ports) {
    JsonNode get = container.path(probe).path("httpGet");
    if (get.isMissingNode()) {
      return "none";
    }
    return "GET " + get.path("path").asText() + " on port " + resolve(get.path("port"), ports);
  }

  private static Object resolve(JsonNode port, Map<String, Integer> ports) {
    if (port.isTextual()) {
      Integer number = ports.get(port.asText());
      return number != null ? number : "'" + port.asText() + "' (not a container port)";
    }
    return port.asInt();
  }

  private static Set<String> envNames(JsonNode container) {
    Set<String> names = new TreeSet<>();
    container.path("env").forEach(e -> names.add(e.path("name").asText()));
    return names;
  }

  /** The container port a Service's http port (or its only port) sends traffic to. */
  private static Integer serviceTarget(JsonNode service, Map<String, Integer> containerPorts) {
    JsonNode ports = service.path("spec").path("ports");
    JsonNode http = null;
    for (JsonNode port : ports) {
      if (port.path("name").asText().equals("http") || ports.size() == 1) {
        http = port;
      }
    }
    if (http == null) {
      return null;
    }
    JsonNode target = http.has("targetPort") ? http.path("targetPort") : http.path("port");
    Object resolved = resolve(target, containerPorts);
    return resolved instanceof Integer number ? number : null;
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items.stream();
  }
}
