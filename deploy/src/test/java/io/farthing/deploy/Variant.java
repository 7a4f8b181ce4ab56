package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One way of installing the chart: a release name, a namespace and an optional values file from
 * src/test/resources/values/. {@code fullname} is the object-name prefix the contract expects.
 */
record Variant(String name, String release, String namespace, String fullname, Optional<String> valuesFile) {

  static final Variant DEFAULTS = new Variant("defaults", "farthing", "farthing", "farthing", Optional.empty());

  /** The defaults and every values file the chart must keep accepting. */
  static List<Variant> all() {
    return List.of(
        DEFAULTS,
        // Autoscaling, disruption budgets and NetworkPolicies off, one replica each.
        new Variant("minimal", "farthing", "dev", "farthing", Optional.of("minimal.yaml")),
        // Ingress (REST and gRPC) with TLS, ServiceMonitor, PrometheusRule, a custom-metric
        // HPA, topology spread, JVM images; a release name without the chart's name in it.
        new Variant("production", "prod", "payments", "prod-farthing", Optional.of("production.yaml")),
        // JVM images, every policy on, no ingress, no Prometheus Operator objects.
        new Variant("jvm-no-ingress", "farthing-staging", "staging", "farthing-staging",
            Optional.of("jvm-no-ingress.yaml")),
        // fullnameOverride, common labels, extra env (one from a declared Secret), scheduling
        // settings, narrowed database egress, one PDB off.
        new Variant("custom-names", "shop", "shop", "pay", Optional.of("custom-names.yaml")));
  }

  static Variant named(String name) {
    return all().stream().filter(v -> v.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no variant " + name));
  }

  private static final Map<Variant, Rendering> RENDERINGS = new ConcurrentHashMap<>();

  List<Path> valuesFiles() {
    return valuesFile.map(Repo::valuesFile).map(List::of).orElse(List.of());
  }

  /**
   * Rendered once per test JVM, hooks (the `helm test` pod) included: every test class looks at
   * the same output.
   */
  Rendering rendering() {
    return RENDERINGS.computeIfAbsent(this, v -> Chart.renderWithHooks(release, namespace, valuesFiles()));
  }

  /** The values Helm used: the chart's values.yaml with the variant's file merged over it. */
  JsonNode values() {
    JsonNode defaults = Chart.defaultValues();
    return valuesFile.map(file -> Yaml.merge(defaults, Yaml.read(Repo.valuesFile(file)))).orElse(defaults);
  }

  @Override
  public String toString() {
    return name;
  }
}
