package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farthing.deploy.Rendering.Obj;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Prometheus Operator objects (no client-java model): their shape, that the ServiceMonitor
 * scrapes a Service port that exists, and that every alert links to a runbook heading that exists
 * in docs/deploy.md. The production variant turns both on; the checks are shown to fail too.
 */
class MonitoringObjectsTest {

  private static final Variant PRODUCTION = Variant.named("production");

  static Stream<Variant> variants() {
    return Variant.all().stream();
  }

  /** The anchors of docs/deploy.md, or null while the file does not exist. */
  private static Set<String> runbookAnchors() {
    return Files.isRegularFile(Repo.deployDoc()) ? MonitoringChecks.anchors(Repo.read(Repo.deployDoc())) : null;
  }

  @Test
  void theProductionVariantRendersAServiceMonitorAndAPrometheusRule() {
    assertFalse(PRODUCTION.rendering().ofKind("ServiceMonitor").isEmpty(), "no ServiceMonitor");
    assertFalse(PRODUCTION.rendering().ofKind("PrometheusRule").isEmpty(), "no PrometheusRule");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void serviceMonitorsSelectServicesAndScrapeTheirNamedPort(Variant variant) {
    assertEquals(List.of(), MonitoringChecks.serviceMonitorsAreWellFormed(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyAlertHasSeveritySummaryAndARunbookHeadingInDocsDeployMd(Variant variant) {
    assertEquals(List.of(), MonitoringChecks.prometheusRulesAreWellFormed(variant.rendering(), runbookAnchors()));
  }

  @Test
  void anchorsFollowGitHubsHeadingSlugs() {
    Set<String> anchors = MonitoringChecks.anchors("""
        # Deploying Farthing
        ## Runbooks
        ### FarthingHighErrorRate
        ### `FarthingOutboxLag`: events wait
        ```
        # not a heading
        ```
        ## Runbooks
        <a id="custom-anchor"></a>
        """);
    assertEquals(Set.of("deploying-farthing", "runbooks", "farthinghigherrorrate", "farthingoutboxlag-events-wait",
        "runbooks-1", "custom-anchor"), anchors);
  }

  @Test
  void anAlertWithoutSeverityOrSummaryOrWithAMisspelledFieldIsCaught() {
    List<String> problems = MonitoringChecks.prometheusRulesAreWellFormed(broken(objects -> {
      ObjectNode rule = firstRule(objects);
      ((ObjectNode) rule.path("labels")).remove("severity");
      ObjectNode annotations = (ObjectNode) rule.path("annotations");
      annotations.remove("summary");
      rule.set("anotations", annotations);
      rule.remove("annotations");
    }), Set.of());
    assertContains(problems, "labels.severity", "no annotations.summary", "unknown field anotations");
  }

  @Test
  void aRunbookAnchorMissingFromDocsDeployMdIsCaught() {
    List<String> problems =
        MonitoringChecks.prometheusRulesAreWellFormed(PRODUCTION.rendering(), Set.of("some-other-heading"));
    assertContains(problems, "is not a heading of docs/deploy.md");
    List<String> withoutDoc = MonitoringChecks.prometheusRulesAreWellFormed(PRODUCTION.rendering(), null);
    assertContains(withoutDoc, "docs/deploy.md is missing");
  }

  @Test
  void aRunbookUrlWithoutAnchorOrElsewhereIsCaught() {
    List<String> problems = MonitoringChecks.prometheusRulesAreWellFormed(broken(objects ->
        ((ObjectNode) firstRule(objects).path("annotations")).put("runbook_url", "https://wiki.example.com/runbooks")),
        Set.of());
    assertContains(problems, "has no #anchor");
  }

  @Test
  void aServiceMonitorScrapingAPortNoServiceHasIsCaught() {
    List<String> problems = MonitoringChecks.serviceMonitorsAreWellFormed(broken(objects -> {
      ObjectNode monitor = find(objects, "ServiceMonitor");
      ((ObjectNode) monitor.path("spec").path("endpoints").get(0)).put("port", "metrics");
      ((ObjectNode) monitor.path("spec")).put("namespaceSelectr", "x");
    }));
    assertContains(problems, "endpoint port 'metrics' is not a port of Service", "unknown field spec.namespaceSelectr");
  }

  @Test
  void aServiceMonitorSelectingNoServiceIsCaught() {
    List<String> problems = MonitoringChecks.serviceMonitorsAreWellFormed(broken(objects ->
        ((ObjectNode) find(objects, "ServiceMonitor").path("spec").path("selector").path("matchLabels"))
            .put("app.kubernetes.io/instance", "elsewhere")));
    assertContains(problems, "spec.selector matches no Service");
  }

  private static Rendering broken(Consumer<List<Obj>> change) {
    return PRODUCTION.rendering().broken(change);
  }

  private static ObjectNode find(List<Obj> objects, String kind) {
    return objects.stream().filter(o -> o.kind().equals(kind)).findFirst().orElseThrow().node();
  }

  private static ObjectNode firstRule(List<Obj> objects) {
    return (ObjectNode) find(objects, "PrometheusRule").path("spec").path("groups").get(0).path("rules").get(0);
  }

  private static void assertContains(List<String> problems, String... fragments) {
    for (String fragment : fragments) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), "expected '" + fragment + "' in " + problems);
    }
  }
}
