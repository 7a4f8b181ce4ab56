package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kubernetes.yml quarkus-kubernetes generates for each service when it is packaged agrees with
 * the chart's default rendering of that service: the service and the chart describe the same pod.
 * A missing file fails (it means the service was not packaged, or lost the extension); it is never
 * skipped. The reactor builds the services before this module (see deploy/pom.xml).
 */
class QuarkusKubernetesAgreementTest {

  static Stream<Contract.Service> services() {
    return Contract.SERVICES.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("services")
  void generatedKubernetesManifestAgreesWithTheChart(Contract.Service service) {
    Path generated = Repo.root().resolve(service.module()).resolve("target/kubernetes/kubernetes.yml");
    assertTrue(Files.isRegularFile(generated), generated + " does not exist. quarkus-kubernetes writes it when "
        + service.module() + " is packaged: run `./mvnw -B verify` (or `./mvnw -B package -pl " + service.module()
        + " -am`) first, and check that " + service.module() + "/pom.xml has io.quarkus:quarkus-kubernetes.");
    List<JsonNode> objects = Yaml.documents(Repo.read(generated)).stream().map(Yaml.Document::node).toList();
    Rendering chart = Variant.DEFAULTS.rendering();
    String name = service.name(Variant.DEFAULTS.fullname());
    List<String> differences = QuarkusManifestComparison.differences(service,
        chart.get("Deployment", name).node(), chart.get("Service", name).node(), objects);
    assertEquals(List.of(), differences, "quarkus-kubernetes (" + generated + ") and helm/farthing disagree");
  }
}
