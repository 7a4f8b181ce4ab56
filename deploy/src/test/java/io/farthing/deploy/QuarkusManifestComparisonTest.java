package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The comparison behind QuarkusKubernetesAgreementTest can fail: a manifest that is the chart's
 * own pod agrees, and each kind of disagreement is reported, including on a real file generated
 * by quarkus-kubernetes 3.34.2 (src/test/resources/quarkus-kubernetes/auth-svc-sample.yml).
 */
class QuarkusManifestComparisonTest {

  private static final Contract.Service AUTH = Contract.service("auth");

  private static JsonNode chartDeployment() {
    return Variant.DEFAULTS.rendering().get("Deployment", "farthing-auth").node();
  }

  private static JsonNode chartService() {
    return Variant.DEFAULTS.rendering().get("Service", "farthing-auth").node();
  }

  @Test
  void theChartsOwnPodAgreesWithItself() {
    assertEquals(List.of(), QuarkusManifestComparison.differences(AUTH, chartDeployment(), chartService(),
        List.of(chartDeployment(), chartService())));
  }

  @Test
  void numericProbePortsAndTargetPortsCountAsTheNamedPortTheyResolveTo() {
    ObjectNode deployment = chartDeployment().deepCopy();
    ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      ((ObjectNode) container.path(probe).path("httpGet")).put("port", 8101);
    }
    ObjectNode service = chartService().deepCopy();
    ((ObjectNode) service.path("spec").path("ports").get(0)).put("port", 80).put("targetPort", 8101);
    assertEquals(List.of(), QuarkusManifestComparison.differences(AUTH, chartDeployment(), chartService(),
        List.of(deployment, service)));
  }

  @Test
  void aDifferentProbePathPortNumberOrEnvVarIsReported() {
    ObjectNode deployment = chartDeployment().deepCopy();
    ObjectNode container = (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
    ((ObjectNode) container.path("livenessProbe").path("httpGet")).put("path", "/q/health");
    ((ObjectNode) container.path("ports").get(0)).put("containerPort", 8080);
    ((com.fasterxml.jackson.databind.node.ArrayNode) container.path("env")).addObject().put("name", "KUBERNETES_NAMESPACE");
    List<String> differences = QuarkusManifestComparison.differences(AUTH, chartDeployment(), chartService(),
        List.of(deployment, chartService()));
    assertContains(differences, "container ports differ", "livenessProbe differs",
        "only in quarkus-kubernetes [KUBERNETES_NAMESPACE]");
  }

  @Test
  void aRealGeneratedManifestWithTooFewEnvVarsIsReported() {
    List<JsonNode> sample = Yaml.documents(Repo.read(Repo.resource("quarkus-kubernetes/auth-svc-sample.yml")))
        .stream().map(Yaml.Document::node).toList();
    List<String> differences = QuarkusManifestComparison.differences(AUTH, chartDeployment(), chartService(), sample);
    assertEquals(1, differences.size(), differences.toString());
    assertContains(differences, "env var names differ", "FARTHING_DATA_KEYS",
        "only in quarkus-kubernetes [KUBERNETES_NAMESPACE, QUARKUS_FLYWAY_ACTIVE]");
  }

  @Test
  void aManifestWithoutTheServicesContainerIsReported() {
    ObjectNode deployment = chartDeployment().deepCopy();
    ((ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0)).put("name", "app");
    assertContains(QuarkusManifestComparison.differences(AUTH, chartDeployment(), chartService(), List.of(deployment)),
        "no Deployment with a container named auth-svc");
  }

  private static void assertContains(List<String> differences, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(differences.stream().anyMatch(d -> d.contains(fragment)), "expected '" + fragment + "' in " + differences);
    }
  }
}
