package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farthing.deploy.Rendering.Obj;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each cross-object check can fail: the default rendering, broken by hand in one place, must be
 * rejected by the check that guards that place, with a message that names what broke.
 */
class CrossObjectChecksCatchBrokenRenderingsTest {

  private static final String AUTH = "farthing-auth";

  @Test
  void anAutoscalerOfAMissingDeploymentIsCaught() {
    assertCaught(CrossChecks::autoscalersTargetExistingDeployments, objects ->
        spec(find(objects, "HorizontalPodAutoscaler", AUTH)).with("scaleTargetRef").put("name", "farthing-authn"),
        "farthing-authn");
  }

  @Test
  void aDisruptionBudgetSelectingAnotherComponentIsCaught() {
    assertCaught(CrossChecks::selectorsMatchTheIntendedPods, objects ->
        spec(find(objects, "PodDisruptionBudget", AUTH)).with("selector").with("matchLabels")
            .put(Rendering.COMPONENT_LABEL, "payments"),
        "PodDisruptionBudget farthing-auth (component 'auth') selects the pods of Deployment farthing-payments");
  }

  @Test
  void aDisruptionBudgetSelectingNothingIsCaught() {
    assertCaught(CrossChecks::selectorsMatchTheIntendedPods, objects ->
        spec(find(objects, "PodDisruptionBudget", AUTH)).with("selector").with("matchLabels")
            .put(Rendering.COMPONENT_LABEL, "autth"),
        "PodDisruptionBudget farthing-auth selects 0 Deployments");
  }

  @Test
  void aServiceSelectingEveryComponentIsCaught() {
    assertCaught(CrossChecks::selectorsMatchTheIntendedPods, objects ->
        spec(find(objects, "Service", AUTH)).with("selector").remove(Rendering.COMPONENT_LABEL),
        "Service farthing-auth selects 4 Deployments");
  }

  @Test
  void aNetworkPolicyForPodsThatDoNotExistIsCaught() {
    assertCaught(CrossChecks::selectorsMatchTheIntendedPods, objects ->
        spec(find(objects, "NetworkPolicy", AUTH)).with("podSelector").with("matchLabels")
            .put(Rendering.COMPONENT_LABEL, "ledger"),
        "NetworkPolicy farthing-auth: spec.podSelector");
  }

  @Test
  void aNetworkPolicyPeerNamingNoPodIsCaught() {
    assertCaught(CrossChecks::selectorsMatchTheIntendedPods, objects -> {
      ObjectNode peer = firstIngressPeer(find(objects, "NetworkPolicy", "farthing-risk"));
      ((ObjectNode) peer.path("podSelector").path("matchLabels")).put(Rendering.COMPONENT_LABEL, "paymnets");
    }, "peer podSelector");
  }

  @Test
  void aCallerAllowedOutButNotAdmittedInIsCaught() {
    assertCaught(CrossChecks::networkPoliciesAdmitEveryAllowedCall, objects -> {
      ObjectNode peer = firstIngressPeer(find(objects, "NetworkPolicy", "farthing-risk"));
      ((ObjectNode) peer.path("podSelector").path("matchLabels")).put(Rendering.COMPONENT_LABEL, "notify");
    }, "NetworkPolicy farthing-payments lets Deployment farthing-payments call Deployment farthing-risk on port 8103");
  }

  @Test
  void aServiceTargetingAContainerPortThatWasRemovedIsCaught() {
    assertCaught(CrossChecks::referencedPortsExist, objects ->
        ((ObjectNode) container(find(objects, "Deployment", AUTH)).path("ports").get(0)).put("name", "web"),
        "Service farthing-auth port http targets \"http\", which no container of Deployment farthing-auth declares");
  }

  @Test
  void aProbeOnAnUndeclaredPortIsCaught() {
    assertCaught(CrossChecks::referencedPortsExist, objects ->
        ((ObjectNode) container(find(objects, "Deployment", AUTH)).path("livenessProbe").path("httpGet"))
            .put("port", "admin"),
        "livenessProbe uses port \"admin\"");
  }

  @Test
  void aNetworkPolicyIngressOnAnUndeclaredPortNameIsCaught() {
    assertCaught(CrossChecks::referencedPortsExist, objects ->
        ((ObjectNode) spec(find(objects, "NetworkPolicy", AUTH)).path("ingress").get(0).path("ports").get(0))
            .put("port", "grpc"),
        "NetworkPolicy farthing-auth: ingress port \"grpc\" is not a port of Deployment farthing-auth");
  }

  @Test
  void anUndeclaredSecretKeyRefIsCaught() {
    assertCaught(CrossObjectChecksCatchBrokenRenderingsTest::secretProblems, objects -> {
      ArrayNode env = (ArrayNode) container(find(objects, "Deployment", AUTH)).path("env");
      env.addObject().put("name", "FARTHING_STOLEN").putObject("valueFrom").putObject("secretKeyRef")
          .put("name", "farthing-payments").put("key", "ledger-master-key");
    }, "reads key 'ledger-master-key' of Secret 'farthing-payments'");
  }

  @Test
  void anUndeclaredSecretVolumeAndEnvFromAreCaught() {
    assertCaught(CrossObjectChecksCatchBrokenRenderingsTest::secretProblems, objects -> {
      ObjectNode podSpec = podSpec(find(objects, "Deployment", AUTH));
      ((ArrayNode) podSpec.path("volumes")).addObject().put("name", "keys")
          .putObject("secret").put("secretName", "vault-dump");
      ((ObjectNode) container(find(objects, "Deployment", AUTH))).putArray("envFrom").addObject()
          .putObject("secretRef").put("name", "everything");
    }, "mounts Secret 'vault-dump'", "envFrom reads Secret 'everything'");
  }

  @Test
  void anEnvVarSetTwiceIsCaught() {
    assertCaught(CrossChecks::envVarNamesAreUnique, objects ->
        ((ArrayNode) container(find(objects, "Deployment", AUTH)).path("env")).addObject()
            .put("name", "FARTHING_DB_HOST").put("value", "elsewhere"),
        "sets FARTHING_DB_HOST twice");
  }

  @Test
  void aMissingServiceAccountIsCaught() {
    assertCaught(CrossChecks::serviceAccountsExist, objects ->
        podSpec(find(objects, "Deployment", AUTH)).put("serviceAccountName", "farthing-admin"),
        "runs as ServiceAccount farthing-admin");
  }

  @Test
  void aWritableRootFilesystemIsCaught() {
    assertCaught(CrossChecks::containersAreLockedDown, objects ->
        ((ObjectNode) container(find(objects, "Deployment", AUTH)).path("securityContext"))
            .put("readOnlyRootFilesystem", false),
        "readOnlyRootFilesystem is not true");
  }

  @Test
  void privilegeEscalationRootAndKeptCapabilitiesAreCaught() {
    assertCaught(CrossChecks::containersAreLockedDown, objects -> {
      ObjectNode context = (ObjectNode) container(find(objects, "Deployment", AUTH)).path("securityContext");
      context.put("allowPrivilegeEscalation", true);
      context.put("runAsNonRoot", false);
      context.with("capabilities").putArray("drop").add("NET_RAW");
    }, "allowPrivilegeEscalation is not false", "runAsNonRoot is not true", "capabilities.drop does not include ALL");
  }

  @Test
  void aSeccompProfileMissingAtBothLevelsIsCaught() {
    assertCaught(CrossChecks::containersAreLockedDown, objects -> {
      ((ObjectNode) container(find(objects, "Deployment", AUTH)).path("securityContext")).remove("seccompProfile");
      ((ObjectNode) podSpec(find(objects, "Deployment", AUTH)).path("securityContext")).remove("seccompProfile");
    }, "seccompProfile is not RuntimeDefault");
  }

  @Test
  void aSeccompProfileAtPodLevelOnlyIsAccepted() {
    Rendering broken = Variant.DEFAULTS.rendering().broken(objects ->
        ((ObjectNode) container(find(objects, "Deployment", AUTH)).path("securityContext")).remove("seccompProfile"));
    assertEquals(List.of(), CrossChecks.containersAreLockedDown(broken));
  }

  @Test
  void aTmpThatIsNotAnEmptyDirIsCaught() {
    assertCaught(CrossChecks::containersAreLockedDown, objects -> {
      ObjectNode tmp = (ObjectNode) podSpec(find(objects, "Deployment", AUTH)).path("volumes").get(0);
      tmp.remove("emptyDir");
      tmp.putObject("hostPath").put("path", "/var/tmp");
    }, "/tmp is not an emptyDir mount");
  }

  @Test
  void aMissingLivenessProbeOrMemoryLimitIsCaught() {
    assertCaught(CrossChecks::containersHaveProbesAndResources, objects -> {
      ObjectNode container = (ObjectNode) container(find(objects, "Deployment", AUTH));
      container.remove("livenessProbe");
      ((ObjectNode) container.path("resources")).remove("limits");
    }, "no livenessProbe", "no resources.limits.memory");
  }

  @Test
  void aRolloutThatMayTakeAPodAwayIsCaught() {
    assertCaught(CrossChecks::rolloutsKeepFullCapacity, objects ->
        spec(find(objects, "Deployment", AUTH)).with("strategy").with("rollingUpdate").put("maxUnavailable", 1),
        "allows maxUnavailable 1, not 0");
  }

  @Test
  void aRecreateStrategyWithSeveralReplicasIsCaught() {
    assertCaught(CrossChecks::rolloutsKeepFullCapacity, objects -> {
      ObjectNode strategy = spec(find(objects, "Deployment", AUTH)).with("strategy");
      strategy.put("type", "Recreate");
      strategy.remove("rollingUpdate");
    }, "uses the Recreate strategy");
  }

  private static List<String> secretProblems(Rendering rendering) {
    return CrossChecks.secretReferencesAreDeclared(rendering, SecretDeclarations.of(Variant.DEFAULTS.values()));
  }

  private static ObjectNode firstIngressPeer(ObjectNode networkPolicy) {
    return (ObjectNode) spec(networkPolicy).path("ingress").get(0).path("from").get(0);
  }

  private static void assertCaught(Function<Rendering, List<String>> check, Consumer<List<Obj>> breakIt,
      String... expected) {
    Rendering rendering = Variant.DEFAULTS.rendering();
    assertEquals(List.of(), check.apply(rendering), "the unbroken rendering must pass first");
    List<String> problems = check.apply(rendering.broken(breakIt));
    for (String fragment : expected) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)),
          "expected a problem containing '" + fragment + "', got " + problems);
    }
  }

  static ObjectNode find(List<Obj> objects, String kind, String name) {
    return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name)).node();
  }

  static ObjectNode spec(ObjectNode object) {
    return (ObjectNode) object.path("spec");
  }

  static ObjectNode podSpec(ObjectNode deployment) {
    return (ObjectNode) deployment.path("spec").path("template").path("spec");
  }

  static JsonNode container(ObjectNode deployment) {
    return podSpec(deployment).path("containers").get(0);
  }
}
