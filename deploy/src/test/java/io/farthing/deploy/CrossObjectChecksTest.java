package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cross-object checks hold for the defaults and for every variant. */
class CrossObjectChecksTest {

  static Stream<Variant> variants() {
    return Variant.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyAutoscalerScalesARenderedDeployment(Variant variant) {
    assertEquals(List.of(), CrossChecks.autoscalersTargetExistingDeployments(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void servicesBudgetsAndPoliciesSelectTheirOwnComponentsPods(Variant variant) {
    assertEquals(List.of(), CrossChecks.selectorsMatchTheIntendedPods(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyCallOneNetworkPolicyAllowsOutTheCalleesPolicyAllowsIn(Variant variant) {
    assertEquals(List.of(), CrossChecks.networkPoliciesAdmitEveryAllowedCall(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyReferencedPortExistsOnItsTarget(Variant variant) {
    assertEquals(List.of(), CrossChecks.referencedPortsExist(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void podsReadOnlySecretsAndKeysTheValuesDeclare(Variant variant) {
    SecretDeclarations declared = SecretDeclarations.of(variant.values());
    assertFalse(declared.secrets().isEmpty(), "the values declare no secrets at all");
    assertEquals(List.of(), CrossChecks.secretReferencesAreDeclared(variant.rendering(), declared));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void noContainerSetsAnEnvVarTwice(Variant variant) {
    assertEquals(List.of(), CrossChecks.envVarNamesAreUnique(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyServiceAccountAPodUsesIsRendered(Variant variant) {
    assertEquals(List.of(), CrossChecks.serviceAccountsExist(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyContainerRunsNonRootReadOnlyWithoutCapabilities(Variant variant) {
    assertEquals(List.of(), CrossChecks.containersAreLockedDown(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyContainerHasProbesRequestsAndAMemoryLimit(Variant variant) {
    assertEquals(List.of(), CrossChecks.containersHaveProbesAndResources(variant.rendering()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void rollingUpdatesNeverDropBelowTheDesiredReplicas(Variant variant) {
    assertEquals(List.of(), CrossChecks.rolloutsKeepFullCapacity(variant.rendering()));
  }
}
