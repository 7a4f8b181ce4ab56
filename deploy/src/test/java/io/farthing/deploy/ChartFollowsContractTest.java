package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.deploy.Rendering.Obj;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart renders what the contract promises the services and their clients: release-scoped
 * names, headless Services, pod labels, container name and port, probe paths, Stork settings, and
 * (with the default values) exactly the contract's env var names.
 */
class ChartFollowsContractTest {

  static Stream<Variant> variants() {
    return Variant.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void objectsAreNamedAfterTheReleaseAndPodsCarryTheContractLabels(Variant variant) {
    Rendering r = variant.rendering();
    List<String> problems = new ArrayList<>();
    for (Contract.Service service : Contract.SERVICES) {
      String name = service.name(variant.fullname());
      for (String kind : List.of("Deployment", "Service", "ServiceAccount")) {
        if (r.find(kind, name).isEmpty()) {
          problems.add("no " + kind + " " + name);
        }
      }
      r.find("Deployment", name).ifPresent(d -> {
        Map<String, String> expected = Map.of("app.kubernetes.io/name", "farthing",
            "app.kubernetes.io/instance", variant.release(), Rendering.COMPONENT_LABEL, service.component());
        JsonNode labels = d.node().path("spec").path("template").path("metadata").path("labels");
        expected.forEach((key, value) -> {
          if (!labels.path(key).asText().equals(value)) {
            problems.add(d.id() + ": pod label " + key + " is '" + labels.path(key).asText() + "', not " + value);
          }
        });
        Map<String, String> selector = strings(d.node().path("spec").path("selector").path("matchLabels"));
        if (!selector.equals(new TreeMap<>(expected))) {
          problems.add(d.id() + ": selector " + selector + " is not exactly the three contract labels");
        }
      });
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void eachServiceHasAHeadlessServiceThatPublishesOnlyReadyPods(Variant variant) {
    List<String> problems = new ArrayList<>();
    for (Contract.Service service : Contract.SERVICES) {
      String name = service.headlessName(variant.fullname());
      variant.rendering().find("Service", name).ifPresentOrElse(s -> {
        JsonNode spec = s.node().path("spec");
        if (!spec.path("clusterIP").asText().equals("None")) {
          problems.add(s.id() + ": clusterIP is not None");
        }
        if (!spec.path("publishNotReadyAddresses").isBoolean() || spec.path("publishNotReadyAddresses").asBoolean()) {
          problems.add(s.id() + ": publishNotReadyAddresses is not false");
        }
        if (spec.path("ports").size() != 1 || spec.path("ports").get(0).path("port").asInt() != service.port()) {
          problems.add(s.id() + ": does not expose exactly port " + service.port());
        }
      }, () -> problems.add("no headless Service " + name));
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void containersAreNamedAfterTheirModuleWithOneHttpPortAndHealthProbes(Variant variant) {
    List<String> problems = new ArrayList<>();
    for (Contract.Service service : Contract.SERVICES) {
      JsonNode containers = deployment(variant, service).node().path("spec").path("template").path("spec")
          .path("containers");
      if (containers.size() != 1 || !containers.get(0).path("name").asText().equals(service.module())) {
        problems.add(service.module() + ": expected one container named " + service.module());
        continue;
      }
      JsonNode container = containers.get(0);
      JsonNode ports = container.path("ports");
      if (ports.size() != 1 || !ports.get(0).path("name").asText().equals("http")
          || ports.get(0).path("containerPort").asInt() != service.port()) {
        problems.add(service.module() + ": ports " + ports + " are not exactly http=" + service.port());
      }
      Map<String, String> paths = Map.of("startupProbe", Contract.STARTUP_PATH, "readinessProbe", Contract.READINESS_PATH,
          "livenessProbe", Contract.LIVENESS_PATH);
      paths.forEach((probe, path) -> {
        JsonNode get = container.path(probe).path("httpGet");
        if (!get.path("path").asText().equals(path) || !get.path("port").asText().equals("http")) {
          problems.add(service.module() + ": " + probe + " is " + get + ", not GET " + path + " on port http");
        }
      });
    }
    assertEquals(List.of(), problems);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void grpcClientsFindTheirPeersThroughStorkOnTheHeadlessService(Variant variant) {
    List<String> problems = new ArrayList<>();
    for (Contract.Service service : Contract.SERVICES) {
      Map<String, String> env = plainEnv(deployment(variant, service));
      for (String client : service.grpcClients()) {
        Contract.Service peer = Contract.service(client);
        String c = client.toUpperCase(Locale.ROOT);
        Map<String, String> expected = new TreeMap<>(Map.ofEntries(
            Map.entry("QUARKUS_PROFILE", "prod,k8s"),
            Map.entry("FARTHING_" + c + "_DISCOVERY_HOST",
                peer.headlessName(variant.fullname()) + "." + variant.namespace() + ".svc.cluster.local"),
            Map.entry("FARTHING_GRPC_DISCOVERY_REFRESH_SECONDS", "10"),
            Map.entry("FARTHING_" + c + "_HOST", peer.name(variant.fullname())),
            Map.entry("FARTHING_" + c + "_PORT", String.valueOf(peer.port()))));
        expected.forEach((name, value) -> {
          if (!value.equals(env.get(name))) {
            problems.add(service.module() + ": " + name + "=" + env.get(name) + ", expected " + value);
          }
        });
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void withDefaultValuesEachContainerHasExactlyTheContractEnvVarNames() {
    Map<String, Set<String>> expected = new TreeMap<>();
    Map<String, Set<String>> actual = new TreeMap<>();
    for (Contract.Service service : Contract.SERVICES) {
      expected.put(service.module(), service.envNames());
      actual.put(service.module(), envNames(deployment(Variant.DEFAULTS, service)));
    }
    Map<String, Set<String>> extra = difference(actual, expected);
    Map<String, Set<String>> missing = difference(expected, actual);
    assertTrue(extra.isEmpty() && missing.isEmpty(), "env var names differ from the contract: the chart adds "
        + extra + " and lacks " + missing);
  }

  static Set<String> envNames(Obj deployment) {
    Set<String> names = new TreeSet<>();
    deployment.node().path("spec").path("template").path("spec").path("containers").get(0).path("env")
        .forEach(e -> names.add(e.path("name").asText()));
    return names;
  }

  private static Map<String, Set<String>> difference(Map<String, Set<String>> a, Map<String, Set<String>> b) {
    Map<String, Set<String>> difference = new TreeMap<>();
    a.forEach((module, names) -> {
      Set<String> only = new TreeSet<>(names);
      only.removeAll(b.getOrDefault(module, Set.of()));
      if (!only.isEmpty()) {
        difference.put(module, only);
      }
    });
    return difference;
  }

  private static Map<String, String> plainEnv(Obj deployment) {
    Map<String, String> env = new TreeMap<>();
    deployment.node().path("spec").path("template").path("spec").path("containers").get(0).path("env").forEach(e -> {
      if (e.has("value")) {
        env.put(e.path("name").asText(), e.path("value").asText());
      }
    });
    return env;
  }

  private static Obj deployment(Variant variant, Contract.Service service) {
    return variant.rendering().get("Deployment", service.name(variant.fullname()));
  }

  private static Map<String, String> strings(JsonNode map) {
    Map<String, String> strings = new TreeMap<>();
    map.fields().forEachRemaining(f -> strings.put(f.getKey(), f.getValue().asText()));
    return strings;
  }
}
