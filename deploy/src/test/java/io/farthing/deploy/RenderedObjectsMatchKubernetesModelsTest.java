package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
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
}
