package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The validator is worth trusting only if it fails: a misspelled field, a value of the wrong type,
 * a missing required field, a bad quantity and an unknown kind must each be rejected, while the
 * same object unbroken passes.
 */
class KubeModelsRejectBadObjectsTest {

  private static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: demo, labels: {app: demo}}
      spec:
        replicas: 2
        selector: {matchLabels: {app: demo}}
        strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
        template:
          metadata: {labels: {app: demo}}
          spec:
            containers:
              - name: demo
                image: example/demo:1
                ports: [{name: http, containerPort: 8080}]
                resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
                readinessProbe: {httpGet: {path: /q/health/ready, port: http}}
      """;

  @Test
  void aValidDeploymentPasses() {
    assertEquals(Optional.empty(), KubeModels.problem(deployment(d -> { })));
  }

  @Test
  void aMisspelledFieldIsRejected() {
    assertRejected(d -> spec(d).set("replicass", spec(d).remove("replicas")), "replicass");
  }

  @Test
  void aMisspelledFieldDeepInsideThePodTemplateIsRejected() {
    assertRejected(d -> container(d).set("readinesProbe", container(d).remove("readinessProbe")), "readinesProbe");
  }

  @Test
  void aWordWhereAnIntegerBelongsIsRejected() {
    assertRejected(d -> spec(d).put("replicas", "three"), "three");
  }

  @Test
  void aMapWhereAListBelongsIsRejected() {
    assertRejected(d -> {
      ObjectNode podSpec = (ObjectNode) spec(d).path("template").path("spec");
      podSpec.set("containers", podSpec.path("containers").get(0));
    }, "containers");
  }

  @Test
  void aContainerWithoutANameIsRejected() {
    assertRejected(d -> container(d).remove("name"), "name");
  }

  @Test
  void aMalformedQuantityIsRejected() {
    assertRejected(d -> ((ObjectNode) container(d).path("resources").path("limits")).put("memory", "lots"), "lots");
  }

  @Test
  void aKindWithoutAModelIsRejectedNotSkipped() {
    assertRejected(d -> d.put("kind", "Deploymnet"), "no client-java model");
  }

  private static void assertRejected(Consumer<ObjectNode> breakIt, String expectedInMessage) {
    Optional<String> problem = KubeModels.problem(deployment(breakIt));
    assertTrue(problem.isPresent(), "accepted a broken Deployment (" + expectedInMessage + ")");
    assertTrue(problem.get().contains(expectedInMessage), "the message should name '" + expectedInMessage
        + "': " + problem.get());
  }

  private static ObjectNode deployment(Consumer<ObjectNode> change) {
    ObjectNode deployment = (ObjectNode) Yaml.parse(DEPLOYMENT);
    change.accept(deployment);
    return deployment;
  }

  private static ObjectNode spec(ObjectNode deployment) {
    return (ObjectNode) deployment.path("spec");
  }

  private static ObjectNode container(ObjectNode deployment) {
    return (ObjectNode) spec(deployment).path("template").path("spec").path("containers").get(0);
  }
}
