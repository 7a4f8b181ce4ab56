package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.deploy.Rendering.Obj;
import io.farthing.deploy.Rendering.Workload;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks across the objects of one rendering, which no single object's schema can express. Each
 * returns the problems it found (empty: the rendering holds), phrased for the person fixing the chart.
 */
final class CrossChecks {

  private static final Set<String> ZERO = Set.of("0", "0%");

  private CrossChecks() {
  }

  /** Every HorizontalPodAutoscaler scales a Deployment of this rendering. */
  static List<String> autoscalersTargetExistingDeployments(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Obj hpa : r.ofKind("HorizontalPodAutoscaler")) {
      JsonNode target = hpa.node().path("spec").path("scaleTargetRef");
      String kind = target.path("kind").asText();
      String name = target.path("name").asText();
      if (!kind.equals("Deployment") || !target.path("apiVersion").asText().equals("apps/v1")) {
        problems.add(hpa.id() + " scales " + target.path("apiVersion").asText() + " " + kind
            + ", not an apps/v1 Deployment");
      } else if (r.find("Deployment", name).isEmpty()) {
        problems.add(hpa.id() + " scales Deployment " + name + ", which is not rendered");
      }
    }
    return problems;
  }

  /**
   * Selectors select what they are meant to: a Deployment's selector its own pods; a Service's and
   * a PodDisruptionBudget's exactly one Deployment, the one of their own component; a
   * NetworkPolicy's podSelector at least one Deployment; a NetworkPolicy peer that names pods of
   * this namespace (podSelector without namespaceSelector) at least one workload.
   */
  static List<String> selectorsMatchTheIntendedPods(Rendering r) {
    List<String> problems = new ArrayList<>();
    List<Workload> deployments = r.workloads().stream().filter(w -> w.owner().kind().equals("Deployment")).toList();
    for (Workload deployment : deployments) {
      JsonNode selector = deployment.owner().node().path("spec").path("selector");
      if (Selectors.isEmptyLabelSelector(selector) || !Selectors.labelSelectorMatches(selector, deployment.podLabels())) {
        problems.add(deployment.id() + ": spec.selector does not select its own pod template labels");
      }
    }
    for (Obj service : r.ofKind("Service")) {
      JsonNode selector = service.node().path("spec").path("selector");
      if (selector.isEmpty()) {
        problems.add(service.id() + " has no selector");
        continue;
      }
      List<Workload> selected = deployments.stream().filter(d -> Selectors.mapMatches(selector, d.podLabels())).toList();
      problems.addAll(exactlyOwnComponent(service, selected));
    }
    for (Obj pdb : r.ofKind("PodDisruptionBudget")) {
      JsonNode selector = pdb.node().path("spec").path("selector");
      if (Selectors.isEmptyLabelSelector(selector)) {
        problems.add(pdb.id() + " has an empty selector (it would budget every pod of the namespace)");
        continue;
      }
      List<Workload> selected = selectedBy(deployments, selector);
      problems.addAll(exactlyOwnComponent(pdb, selected));
    }
    for (Obj policy : r.ofKind("NetworkPolicy")) {
      JsonNode selector = policy.node().path("spec").path("podSelector");
      if (deployments.stream().noneMatch(d -> Selectors.labelSelectorMatches(selector, d.podLabels()))) {
        problems.add(policy.id() + ": spec.podSelector " + selector + " selects no Deployment's pods");
      }
      for (JsonNode peer : peers(policy)) {
        if (peer.has("podSelector") && !peer.has("namespaceSelector")
            && selectedBy(r.workloads(), peer.path("podSelector")).isEmpty()) {
          problems.add(policy.id() + ": peer podSelector " + peer.path("podSelector") + " matches no pod of this release");
        }
      }
    }
    return problems;
  }

  private static List<Workload> selectedBy(List<Workload> workloads, JsonNode labelSelector) {
    return workloads.stream().filter(w -> Selectors.labelSelectorMatches(labelSelector, w.podLabels())).toList();
  }

  private static List<String> exactlyOwnComponent(Obj selecting, List<Workload> selected) {
    if (selected.size() != 1) {
      return List.of(selecting.id() + " selects " + selected.size() + " Deployments "
          + selected.stream().map(Workload::id).toList() + ", expected exactly one");
    }
    String component = selected.getFirst().podLabels().path(Rendering.COMPONENT_LABEL).asText("");
    if (!component.equals(selecting.component())) {
      return List.of(selecting.id() + " (component '" + selecting.component() + "') selects the pods of "
          + selected.getFirst().id() + " (component '" + component + "')");
    }
    return List.of();
  }

  private static List<JsonNode> peers(Obj policy) {
    List<JsonNode> peers = new ArrayList<>();
    policy.node().path("spec").path("ingress").forEach(rule -> rule.path("from").forEach(peers::add));
    policy.node().path("spec").path("egress").forEach(rule -> rule.path("to").forEach(peers::add));
    return peers;
  }

  /**
   * NetworkPolicies agree with each other: every call a policy lets a pod make to pods of this
   * release (egress to a podSelector, on a port) is admitted by the policies isolating the
   * destination (an ingress rule from the caller's pods on that port). Otherwise the caller's
   * side says yes and the callee's side silently drops the connection.
   */
  static List<String> networkPoliciesAdmitEveryAllowedCall(Rendering r) {
    List<String> problems = new ArrayList<>();
    List<Workload> deployments = r.workloads().stream().filter(w -> w.owner().kind().equals("Deployment")).toList();
    for (Obj policy : r.ofKind("NetworkPolicy")) {
      JsonNode selector = policy.node().path("spec").path("podSelector");
      List<Workload> callers = selectedBy(deployments, selector);
      for (JsonNode rule : policy.node().path("spec").path("egress")) {
        for (JsonNode peer : rule.path("to")) {
          if (!peer.has("podSelector") || peer.has("namespaceSelector")) {
            continue;
          }
          for (Workload callee : deployments) {
            if (!Selectors.labelSelectorMatches(peer.path("podSelector"), callee.podLabels())) {
              continue;
            }
            for (Workload caller : callers) {
              for (JsonNode port : ports(rule, callee)) {
                if (!admits(r, callee, caller, port)) {
                  problems.add(policy.id() + " lets " + caller.id() + " call " + callee.id() + " on port "
                      + port + ", but no NetworkPolicy of " + callee.id() + " admits that call");
                }
              }
            }
          }
        }
      }
    }
    return problems;
  }

  /** The ports an egress rule opens towards {@code callee}: its own list, or the callee's ports. */
  private static List<JsonNode> ports(JsonNode rule, Workload callee) {
    List<JsonNode> ports = new ArrayList<>();
    rule.path("ports").forEach(p -> ports.add(p.path("port")));
    if (ports.isEmpty()) {
      callee.containers().forEach(c -> c.path("ports").forEach(p -> ports.add(p.path("containerPort"))));
    }
    return ports;
  }

  private static boolean admits(Rendering r, Workload callee, Workload caller, JsonNode port) {
    List<Obj> isolating = r.ofKind("NetworkPolicy").stream()
        .filter(p -> Selectors.labelSelectorMatches(p.node().path("spec").path("podSelector"), callee.podLabels()))
        .filter(p -> isolatesIngress(p.node().path("spec")))
        .toList();
    if (isolating.isEmpty()) {
      return true;
    }
    Integer number = containerPortNumber(callee, port);
    for (Obj policy : isolating) {
      for (JsonNode rule : policy.node().path("spec").path("ingress")) {
        boolean fromCaller = rule.path("from").isEmpty();
        for (JsonNode peer : rule.path("from")) {
          fromCaller |= peer.has("podSelector") && !peer.has("namespaceSelector")
              && Selectors.labelSelectorMatches(peer.path("podSelector"), caller.podLabels());
        }
        boolean onPort = rule.path("ports").isEmpty();
        for (JsonNode allowed : rule.path("ports")) {
          Integer allowedNumber = containerPortNumber(callee, allowed.path("port"));
          onPort |= allowedNumber != null && allowedNumber.equals(number);
        }
        if (fromCaller && onPort) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isolatesIngress(JsonNode spec) {
    if (!spec.has("policyTypes")) {
      return true;
    }
    for (JsonNode type : spec.path("policyTypes")) {
      if (type.asText().equals("Ingress")) {
        return true;
      }
    }
    return false;
  }

  private static Integer containerPortNumber(Workload workload, JsonNode port) {
    if (port.isInt()) {
      return port.asInt();
    }
    for (JsonNode container : workload.containers()) {
      for (JsonNode declared : container.path("ports")) {
        if (declared.path("name").asText().equals(port.asText())) {
          return declared.path("containerPort").asInt();
        }
      }
    }
    return null;
  }

  /**
   * Every port referred to exists where it is looked up: a Service's targetPort on the containers
   * of the pods it selects; a probe's port on its own container; a NetworkPolicy ingress port on
   * the pods the policy selects (egress: on the destination pods, when they are in this rendering);
   * an Ingress backend's Service port on that Service. Numbers must be declared containerPorts too.
   */
  static List<String> referencedPortsExist(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Obj service : r.ofKind("Service")) {
      JsonNode selector = service.node().path("spec").path("selector");
      List<Workload> selected = r.workloads().stream()
          .filter(w -> !selector.isEmpty() && Selectors.mapMatches(selector, w.podLabels()))
          .toList();
      for (JsonNode port : service.node().path("spec").path("ports")) {
        JsonNode target = port.has("targetPort") ? port.path("targetPort") : port.path("port");
        for (Workload workload : selected) {
          if (!podHasPort(workload, target)) {
            problems.add(service.id() + " port " + port.path("name").asText() + " targets " + target
                + ", which no container of " + workload.id() + " declares");
          }
        }
      }
    }
    for (Workload workload : r.workloads()) {
      for (JsonNode container : workload.allContainers()) {
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
          JsonNode handler = container.path(probe);
          JsonNode port = handler.path("httpGet").has("port") ? handler.path("httpGet").path("port")
              : handler.path("tcpSocket").has("port") ? handler.path("tcpSocket").path("port")
              : handler.path("grpc").path("port");
          if (!port.isMissingNode() && !containerHasPort(container, port)) {
            problems.add(workload.id() + " container " + container.path("name").asText() + ": " + probe
                + " uses port " + port + ", which the container does not declare");
          }
        }
      }
    }
    for (Obj policy : r.ofKind("NetworkPolicy")) {
      JsonNode selector = policy.node().path("spec").path("podSelector");
      List<Workload> selected = selectedBy(r.workloads(), selector);
      for (JsonNode rule : policy.node().path("spec").path("ingress")) {
        for (JsonNode port : rule.path("ports")) {
          for (Workload workload : selected) {
            if (port.has("port") && !podHasPort(workload, port.path("port"))) {
              problems.add(policy.id() + ": ingress port " + port.path("port") + " is not a port of " + workload.id());
            }
          }
        }
      }
      for (JsonNode rule : policy.node().path("spec").path("egress")) {
        for (JsonNode port : rule.path("ports")) {
          if (!port.path("port").isTextual()) {
            continue;
          }
          List<Workload> destinations = new ArrayList<>();
          for (JsonNode peer : rule.path("to")) {
            if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
              r.workloads().stream().filter(w -> Selectors.labelSelectorMatches(peer.path("podSelector"), w.podLabels()))
                  .forEach(destinations::add);
            }
          }
          if (destinations.isEmpty()) {
            problems.add(policy.id() + ": egress names port " + port.path("port")
                + " but its destinations are not pods of this release, so the name cannot be checked (use a number)");
          }
          for (Workload destination : destinations) {
            if (!podHasPort(destination, port.path("port"))) {
              problems.add(policy.id() + ": egress port " + port.path("port") + " is not a port of " + destination.id());
            }
          }
        }
      }
    }
    for (Obj ingress : r.ofKind("Ingress")) {
      List<JsonNode> backends = new ArrayList<>();
      if (ingress.node().path("spec").has("defaultBackend")) {
        backends.add(ingress.node().path("spec").path("defaultBackend"));
      }
      for (JsonNode rule : ingress.node().path("spec").path("rules")) {
        rule.path("http").path("paths").forEach(p -> backends.add(p.path("backend")));
      }
      for (JsonNode backend : backends) {
        String name = backend.path("service").path("name").asText();
        JsonNode port = backend.path("service").path("port");
        Optional<Obj> service = r.find("Service", name);
        if (service.isEmpty()) {
          problems.add(ingress.id() + " routes to Service " + name + ", which is not rendered");
        } else if (!serviceHasPort(service.get(), port)) {
          problems.add(ingress.id() + " routes to port " + port + " of Service " + name + ", which it does not have");
        }
      }
    }
    return problems;
  }

  static boolean serviceHasPort(Obj service, JsonNode port) {
    for (JsonNode declared : service.node().path("spec").path("ports")) {
      if (port.has("name") && declared.path("name").asText().equals(port.path("name").asText())) {
        return true;
      }
      if (port.has("number") && declared.path("port").asInt(-1) == port.path("number").asInt(-2)) {
        return true;
      }
      if (port.isTextual() && declared.path("name").asText().equals(port.asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean podHasPort(Workload workload, JsonNode port) {
    return workload.containers().stream().anyMatch(c -> containerHasPort(c, port));
  }

  private static boolean containerHasPort(JsonNode container, JsonNode port) {
    for (JsonNode declared : container.path("ports")) {
      if (port.isTextual() && declared.path("name").asText().equals(port.asText())) {
        return true;
      }
      if (port.isInt() && declared.path("containerPort").asInt(-1) == port.asInt()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Every Secret a pod reads (secretKeyRef, envFrom secretRef, secret and projected volumes) is
   * declared under .Values.secrets, and each key it reads is among that Secret's declared keys.
   */
  static List<String> secretReferencesAreDeclared(Rendering r, SecretDeclarations declared) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : r.workloads()) {
      for (JsonNode container : workload.allContainers()) {
        String where = workload.id() + " container " + container.path("name").asText();
        for (JsonNode env : container.path("env")) {
          JsonNode ref = env.path("valueFrom").path("secretKeyRef");
          if (!ref.isMissingNode() && !declared.declares(ref.path("name").asText(), ref.path("key").asText())) {
            problems.add(where + ": env " + env.path("name").asText() + " reads key '" + ref.path("key").asText()
                + "' of Secret '" + ref.path("name").asText() + "', which .Values.secrets does not declare");
          }
        }
        for (JsonNode envFrom : container.path("envFrom")) {
          JsonNode ref = envFrom.path("secretRef");
          if (!ref.isMissingNode() && !declared.declares(ref.path("name").asText())) {
            problems.add(where + ": envFrom reads Secret '" + ref.path("name").asText()
                + "', which .Values.secrets does not declare");
          }
        }
      }
      for (JsonNode volume : workload.podSpec().path("volumes")) {
        List<JsonNode[]> sources = new ArrayList<>();
        if (volume.has("secret")) {
          sources.add(new JsonNode[] {volume.path("secret").path("secretName"), volume.path("secret").path("items")});
        }
        volume.path("projected").path("sources").forEach(s -> {
          if (s.has("secret")) {
            sources.add(new JsonNode[] {s.path("secret").path("name"), s.path("secret").path("items")});
          }
        });
        for (JsonNode[] source : sources) {
          String secret = source[0].asText();
          String where = workload.id() + " volume " + volume.path("name").asText();
          if (!declared.declares(secret)) {
            problems.add(where + " mounts Secret '" + secret + "', which .Values.secrets does not declare");
          } else if (source[1].isEmpty()) {
            problems.add(where + " mounts every key of Secret '" + secret + "'; list the declared keys as items");
          }
          for (JsonNode item : source[1]) {
            if (!declared.declares(secret, item.path("key").asText())) {
              problems.add(where + " mounts key '" + item.path("key").asText() + "' of Secret '" + secret
                  + "', which .Values.secrets does not declare");
            }
          }
        }
      }
    }
    return problems;
  }

  /**
   * No container sets an env var twice: Kubernetes keeps the last one silently, so a value from
   * `<service>.env` could quietly replace one the chart derives (or the other way round).
   */
  static List<String> envVarNamesAreUnique(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : r.workloads()) {
      for (JsonNode container : workload.allContainers()) {
        Set<String> seen = new HashSet<>();
        for (JsonNode env : container.path("env")) {
          if (!seen.add(env.path("name").asText())) {
            problems.add(workload.id() + " container " + container.path("name").asText() + " sets "
                + env.path("name").asText() + " twice");
          }
        }
      }
    }
    return problems;
  }

  /** Every ServiceAccount a pod names is rendered too. */
  static List<String> serviceAccountsExist(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : r.workloads()) {
      for (String field : List.of("serviceAccountName", "serviceAccount")) {
        String name = workload.podSpec().path(field).asText("");
        if (!name.isEmpty() && r.find("ServiceAccount", name).isEmpty()) {
          problems.add(workload.id() + " runs as ServiceAccount " + name + ", which is not rendered");
        }
      }
    }
    return problems;
  }

  /**
   * Every container, init containers and helm test pods included: runAsNonRoot (container or
   * pod), read-only root filesystem, no privilege escalation, ALL capabilities dropped, the
   * RuntimeDefault seccomp profile (container or pod), and /tmp on an emptyDir.
   */
  static List<String> containersAreLockedDown(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : r.workloads()) {
      JsonNode pod = workload.podSpec().path("securityContext");
      for (JsonNode container : workload.allContainers()) {
        String where = workload.id() + " container " + container.path("name").asText();
        JsonNode own = container.path("securityContext");
        JsonNode runAsNonRoot = own.has("runAsNonRoot") ? own.path("runAsNonRoot") : pod.path("runAsNonRoot");
        if (!runAsNonRoot.asBoolean(false) || !runAsNonRoot.isBoolean()) {
          problems.add(where + ": runAsNonRoot is not true (container or pod securityContext)");
        }
        if (!own.path("readOnlyRootFilesystem").isBoolean() || !own.path("readOnlyRootFilesystem").asBoolean()) {
          problems.add(where + ": readOnlyRootFilesystem is not true");
        }
        if (!own.path("allowPrivilegeEscalation").isBoolean() || own.path("allowPrivilegeEscalation").asBoolean()) {
          problems.add(where + ": allowPrivilegeEscalation is not false");
        }
        boolean dropsAll = false;
        for (JsonNode capability : own.path("capabilities").path("drop")) {
          dropsAll |= capability.asText().equals("ALL");
        }
        if (!dropsAll) {
          problems.add(where + ": capabilities.drop does not include ALL");
        }
        if (!own.path("capabilities").path("add").isEmpty()) {
          problems.add(where + ": adds capabilities " + own.path("capabilities").path("add"));
        }
        JsonNode seccomp = own.has("seccompProfile") ? own.path("seccompProfile") : pod.path("seccompProfile");
        if (!seccomp.path("type").asText().equals("RuntimeDefault")) {
          problems.add(where + ": seccompProfile is not RuntimeDefault (container or pod securityContext)");
        }
        if (!tmpIsEmptyDir(workload, container)) {
          problems.add(where + ": /tmp is not an emptyDir mount (the root filesystem is read-only)");
        }
      }
    }
    return problems;
  }

  private static boolean tmpIsEmptyDir(Workload workload, JsonNode container) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("mountPath").asText().replaceAll("/+$", "").equals("/tmp")) {
        for (JsonNode volume : workload.podSpec().path("volumes")) {
          if (volume.path("name").asText().equals(mount.path("name").asText())) {
            return volume.has("emptyDir");
          }
        }
      }
    }
    return false;
  }

  /**
   * Every container has requests for CPU and memory and a memory limit; the containers of
   * long-running workloads (Deployments, not test pods) also have startup, readiness and
   * liveness probes.
   */
  static List<String> containersHaveProbesAndResources(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Workload workload : r.workloads()) {
      for (JsonNode container : workload.allContainers()) {
        String where = workload.id() + " container " + container.path("name").asText();
        JsonNode resources = container.path("resources");
        for (String path : List.of("requests.cpu", "requests.memory", "limits.memory")) {
          String[] parts = path.split("\\.");
          if (resources.path(parts[0]).path(parts[1]).asText("").isBlank()) {
            problems.add(where + ": no resources." + path);
          }
        }
      }
      if (workload.isLongRunning()) {
        for (JsonNode container : workload.containers()) {
          for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            if (!container.path(probe).isObject() || container.path(probe).isEmpty()) {
              problems.add(workload.id() + " container " + container.path("name").asText() + ": no " + probe);
            }
          }
        }
      }
    }
    return problems;
  }

  /**
   * A Deployment that can run more than one pod (replicas, or its autoscaler's maxReplicas, above
   * one) rolls out without dropping below the desired count: RollingUpdate with maxUnavailable 0.
   */
  static List<String> rolloutsKeepFullCapacity(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Obj deployment : r.ofKind("Deployment")) {
      int replicas = deployment.node().path("spec").path("replicas").asInt(1);
      for (Obj hpa : r.ofKind("HorizontalPodAutoscaler")) {
        if (hpa.node().path("spec").path("scaleTargetRef").path("name").asText().equals(deployment.name())) {
          replicas = Math.max(replicas, hpa.node().path("spec").path("maxReplicas").asInt(1));
        }
      }
      if (replicas <= 1) {
        continue;
      }
      JsonNode strategy = deployment.node().path("spec").path("strategy");
      String type = strategy.path("type").asText("RollingUpdate");
      JsonNode maxUnavailable = strategy.path("rollingUpdate").path("maxUnavailable");
      if (!type.equals("RollingUpdate")) {
        problems.add(deployment.id() + " (up to " + replicas + " replicas) uses the " + type + " strategy");
      } else if (maxUnavailable.isMissingNode() || !ZERO.contains(maxUnavailable.asText())) {
        problems.add(deployment.id() + " (up to " + replicas + " replicas) allows maxUnavailable "
            + (maxUnavailable.isMissingNode() ? "25% (the default)" : maxUnavailable.asText()) + ", not 0");
      }
    }
    return problems;
  }
}
