package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values a person could plausibly write by mistake make `helm template` fail, with a message
 * (from values.schema.json or a template's `fail`) that names the offending key, instead of
 * rendering something that breaks in the cluster.
 */
class BrokenValuesAreRejectedTest {

  static Stream<Arguments> brokenValues() {
    return Stream.of(
        Arguments.of("a negative replica count", """
            auth: {replicaCount: -1}
            """, List.of("/auth/replicaCount", "minimum")),
        Arguments.of("maxReplicas below minReplicas", """
            payments:
              autoscaling: {minReplicas: 5, maxReplicas: 2}
            """, List.of("maxReplicas (2) is below minReplicas (5)")),
        Arguments.of("an unknown image flavor", """
            image: {flavor: graalvm}
            """, List.of("/image/flavor", "must be one of")),
        Arguments.of("a database password in plain text instead of a Secret", """
            secrets:
              database:
                auth: {password: hunter2}
            """, List.of("/secrets/database/auth", "'password' not allowed")),
        Arguments.of("a whole secret given as a string", """
            secrets:
              notify: "webhook-signing-key-in-clear"
            """, List.of("/secrets/notify", "want object")),
        Arguments.of("a Secret reference without its keys", """
            secrets:
              auth:
                existingSecret: farthing-auth
                keys: null
            """, List.of("/secrets/auth", "missing property 'keys'")),
        Arguments.of("a misspelled top-level key", """
            netwrokPolicy: {enabled: false}
            """, List.of("'netwrokPolicy' not allowed")),
        Arguments.of("a misspelled service key", """
            risk: {replicas: 3}
            """, List.of("/risk", "'replicas' not allowed")),
        Arguments.of("a rollout allowed to take pods away", """
            pod:
              rollingUpdate: {maxUnavailable: 1}
            """, List.of("/pod/rollingUpdate/maxUnavailable")),
        Arguments.of("a writable root filesystem", """
            pod:
              containerSecurityContext: {readOnlyRootFilesystem: false}
            """, List.of("/pod/containerSecurityContext/readOnlyRootFilesystem", "must be true")),
        Arguments.of("resources without a memory limit", """
            notify:
              resources:
                limits: null
            """, List.of("/notify/resources", "missing property 'limits'")),
        Arguments.of("a port that is not a number", """
            postgresql: {port: "five-four-three-two"}
            """, List.of("/postgresql/port", "want integer")),
        Arguments.of("a Secret read through extra env instead of `secrets`", """
            risk:
              env:
                - name: FARTHING_SHADOW_KEY
                  valueFrom: {secretKeyRef: {name: shadow-keys, key: key}}
            """, List.of("/risk/env/0/valueFrom", "'secretKeyRef' not allowed")),
        Arguments.of("extra env replacing a variable the chart sets", """
            risk:
              env:
                - {name: FARTHING_DB_HOST, value: elsewhere}
            """, List.of("risk.env: FARTHING_DB_HOST is set by the chart")),
        Arguments.of("an Ingress without trusted proxies (one rate limit for everyone behind it)", """
            ingress: {enabled: true}
            """, List.of("ingress.enabled needs proxy.trustedProxies")),
        Arguments.of("partner gRPC through the Ingress without TLS", """
            proxy: {trustedProxies: 10.0.0.0/8}
            ingress: {enabled: true, grpc: {enabled: true}}
            """, List.of("ingress.grpc.enabled needs ingress.grpc.tlsSecretName")),
        Arguments.of("a discovery refresh that is not a whole number of seconds", """
            pod: {grpcDiscovery: {refreshSeconds: "500ms"}}
            """, List.of("/pod/grpcDiscovery/refreshSeconds", "want integer")),
        Arguments.of("a typo in an extra env var", """
            risk:
              env:
                - {name: RISK_EXTRA, valu: "1"}
            """, List.of("/risk/env/0", "'valu' not allowed")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenValues")
  void helmTemplateRefusesValuesThatWouldBreakTheRelease(String mistake, String values, List<String> expected,
      @TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, values);
    RuntimeException refused = assertThrows(RuntimeException.class,
        () -> Chart.template("farthing", "farthing", List.of(file)), "helm template accepted " + mistake);
    String message = String.valueOf(refused.getMessage());
    for (String fragment : expected) {
      assertTrue(message.contains(fragment), mistake + ": the message should name '" + fragment + "': " + message);
    }
  }
}
