package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Validates a rendered object against client-java-api's model of its apiVersion and kind: the
 * generated {@code validateJsonElement} rejects unknown (misspelled) fields, missing required
 * fields and a list or map where the other is expected; reading it into the model class with the
 * client's Gson then rejects scalars of the wrong type (a word for an integer, a bad quantity).
 */
final class KubeModels {

  /** The Prometheus Operator's kinds: no model in client-java, checked by {@link MonitoringChecks}. */
  static final Set<String> CUSTOM_KINDS = Set.of(
      "monitoring.coreos.com/v1 ServiceMonitor", "monitoring.coreos.com/v1 PrometheusRule");

  private static final Map<String, Model> MODELS = Map.ofEntries(
      model("v1", "Pod", V1Pod.class, V1Pod::validateJsonElement),
      model("v1", "Service", V1Service.class, V1Service::validateJsonElement),
      model("v1", "ServiceAccount", V1ServiceAccount.class, V1ServiceAccount::validateJsonElement),
      model("v1", "ConfigMap", V1ConfigMap.class, V1ConfigMap::validateJsonElement),
      model("v1", "Secret", V1Secret.class, V1Secret::validateJsonElement),
      model("v1", "Namespace", V1Namespace.class, V1Namespace::validateJsonElement),
      model("apps/v1", "Deployment", V1Deployment.class, V1Deployment::validateJsonElement),
      model("apps/v1", "StatefulSet", V1StatefulSet.class, V1StatefulSet::validateJsonElement),
      model("apps/v1", "DaemonSet", V1DaemonSet.class, V1DaemonSet::validateJsonElement),
      model("batch/v1", "Job", V1Job.class, V1Job::validateJsonElement),
      model("autoscaling/v2", "HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
          V2HorizontalPodAutoscaler::validateJsonElement),
      model("policy/v1", "PodDisruptionBudget", V1PodDisruptionBudget.class,
          V1PodDisruptionBudget::validateJsonElement),
      model("networking.k8s.io/v1", "NetworkPolicy", V1NetworkPolicy.class, V1NetworkPolicy::validateJsonElement),
      model("networking.k8s.io/v1", "Ingress", V1Ingress.class, V1Ingress::validateJsonElement),
      model("rbac.authorization.k8s.io/v1", "Role", V1Role.class, V1Role::validateJsonElement),
      model("rbac.authorization.k8s.io/v1", "RoleBinding", V1RoleBinding.class, V1RoleBinding::validateJsonElement),
      model("rbac.authorization.k8s.io/v1", "ClusterRole", V1ClusterRole.class, V1ClusterRole::validateJsonElement),
      model("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", V1ClusterRoleBinding.class,
          V1ClusterRoleBinding::validateJsonElement));

  private KubeModels() {
  }

  static boolean isCustom(JsonNode object) {
    return CUSTOM_KINDS.contains(key(object));
  }

  /**
   * Why the object is not a valid instance of its kind, or empty. An apiVersion and kind with no
   * model here is a problem too: a new kind must be added, never silently skipped.
   */
  static Optional<String> problem(JsonNode object) {
    Model model = MODELS.get(key(object));
    if (model == null) {
      return Optional.of("no client-java model for " + key(object) + " (add it to KubeModels)");
    }
    JsonElement json = JsonParser.parseString(object.toString());
    try {
      model.validator().validate(json);
      JSON.getGson().fromJson(json, model.type());
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static String key(JsonNode object) {
    return object.path("apiVersion").asText() + " " + object.path("kind").asText();
  }

  private static Map.Entry<String, Model> model(String apiVersion, String kind, Class<?> type, Validator validator) {
    return Map.entry(apiVersion + " " + kind, new Model(type, validator));
  }

  @FunctionalInterface
  private interface Validator {
    void validate(JsonElement json) throws IOException;
  }

  private record Model(Class<?> type, Validator validator) {
  }
}
