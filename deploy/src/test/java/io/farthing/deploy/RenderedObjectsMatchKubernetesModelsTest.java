package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object `helm template` renders, with the defaults and with each variant, is a valid
 * instance of its Kubernetes kind as client-java-api models it (Prometheus Operator kinds go to
 * MonitoringObjectsTest); an apiVersion/kind with no model fails rather than being skipped.
 */
class RenderedObjectsMatchKubernetesModelsTest {

  static Stream<Variant> variants() {
    return Variant.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyRenderedCoreObjectValidatesAgainstItsClientJavaModel(Variant variant) {
    Rendering rendering = variant.rendering();
    assertFalse(rendering.objects().isEmpty(), variant + ": helm template rendered nothing");
    List<String> problems = new ArrayList<>();
    for (Rendering.Obj object : rendering.objects()) {
      if (KubeModels.isCustom(object.node())) {
        continue;
      }
      KubeModels.problem(object.node()).ifPresent(p -> problems.add(object.id() + ": " + p));
    }
    assertEquals(List.of(), problems, variant + ": objects that are not valid Kubernetes objects");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyRenderedObjectHasANameAndTheReleaseNamespace(Variant variant) {
    List<String> problems = new ArrayList<>();
    for (Rendering.Obj object : variant.rendering().objects()) {
      if (object.name().isBlank()) {
        problems.add(object.kind() + " without metadata.name");
      }
      String namespace = object.node().path("metadata").path("namespace").asText("");
      if (!namespace.equals(variant.namespace())) {
        problems.add(object.id() + " in namespace '" + namespace + "', not " + variant.namespace());
      }
    }
    assertEquals(List.of(), problems, variant.name());
  }

  static Stream<Arguments> passThroughTypos() {
    return Stream.of(
        Arguments.of("operater", "risk:\n  tolerations:\n    - {key: dedicated, operater: Exists}\n"),
        Arguments.of("nodeAfinity", "risk:\n  affinity:\n    nodeAfinity: {}\n"),
        Arguments.of("ipBlok", "networkPolicy:\n  postgresql:\n    to:\n      - ipBlok: {cidr: 10.1.0.0/16}\n"));
  }

  /**
   * values.schema.json leaves the Kubernetes structures it passes through open (tolerations,
   * affinity, NetworkPolicy peers; extra env it checks itself): a typo there passes the schema and renders, and only the
   * model validation catches it before a cluster would.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("passThroughTypos")
  void typosInPassThroughKubernetesValuesAreCaughtByTheModels(String typo, String yaml, @TempDir Path dir)
      throws Exception {
    Path values = dir.resolve("typo.yaml");
    Files.writeString(values, yaml);
    Rendering rendering = Chart.render("farthing", "farthing", List.of(values));
    List<String> problems = new ArrayList<>();
    for (Rendering.Obj object : rendering.objects()) {
      KubeModels.problem(object.node()).ifPresent(p -> problems.add(object.id() + ": " + p));
    }
    assertTrue(problems.stream().anyMatch(p -> p.contains("`" + typo + "`")), typo + " not caught: " + problems);
  }
}
