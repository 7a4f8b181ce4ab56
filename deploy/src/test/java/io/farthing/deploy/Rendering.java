package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** The objects one `helm template` produced, in the order Helm printed them. */
record Rendering(String label, List<Obj> objects) {

  static final String COMPONENT_LABEL = "app.kubernetes.io/component";

  static Rendering parse(String label, String stream) {
    List<Obj> objects = new ArrayList<>();
    for (Yaml.Document document : Yaml.documents(stream)) {
      objects.add(new Obj(document.text(), (ObjectNode) document.node()));
    }
    return new Rendering(label, List.copyOf(objects));
  }

  List<Obj> ofKind(String kind) {
    return objects.stream().filter(o -> o.kind().equals(kind)).toList();
  }

  Optional<Obj> find(String kind, String name) {
    return objects.stream().filter(o -> o.kind().equals(kind) && o.name().equals(name)).findFirst();
  }

  Obj get(String kind, String name) {
    return find(kind, name).orElseThrow(() -> new AssertionError(label + ": no " + kind + " " + name));
  }

  /** A copy with every object deep-copied, then changed by {@code change}: for negative tests. */
  Rendering broken(Consumer<List<Obj>> change) {
    List<Obj> copies = new ArrayList<>();
    for (Obj o : objects) {
      copies.add(new Obj(o.text(), o.node().deepCopy()));
    }
    change.accept(copies);
    return new Rendering(label + " (broken)", List.copyOf(copies));
  }

  /** Deployments' pod templates and bare Pods: everything that runs containers. */
  List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (Obj o : objects) {
      switch (o.kind()) {
        case "Deployment", "StatefulSet", "DaemonSet", "Job" -> workloads.add(new Workload(o,
            o.node().path("spec").path("template").path("metadata").path("labels"),
            o.node().path("spec").path("template").path("spec")));
        case "Pod" -> workloads.add(new Workload(o, o.node().path("metadata").path("labels"),
            o.node().path("spec")));
        default -> {
        }
      }
    }
    return workloads;
  }

  /** One rendered object; {@code text} is the document as Helm printed it. */
  record Obj(String text, ObjectNode node) {

    String apiVersion() {
      return node.path("apiVersion").asText();
    }

    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    String component() {
      return node.path("metadata").path("labels").path(COMPONENT_LABEL).asText("");
    }

    boolean isHelmHook() {
      JsonNode annotations = node.path("metadata").path("annotations");
      return annotations.has("helm.sh/hook") || annotations.has(Chart.HOOK_ANNOTATION);
    }

    String id() {
      return kind() + " " + name();
    }
  }

  /** Something that runs pods: the labels its pods carry and their spec. */
  record Workload(Obj owner, JsonNode podLabels, JsonNode podSpec) {

    boolean isLongRunning() {
      return !owner.kind().equals("Pod") && !owner.kind().equals("Job");
    }

    /** containers and initContainers, each with the list it came from. */
    List<JsonNode> allContainers() {
      List<JsonNode> containers = new ArrayList<>();
      podSpec.path("initContainers").forEach(containers::add);
      podSpec.path("containers").forEach(containers::add);
      return containers;
    }

    List<JsonNode> containers() {
      List<JsonNode> containers = new ArrayList<>();
      podSpec.path("containers").forEach(containers::add);
      return containers;
    }

    String id() {
      return owner.id();
    }
  }
}
