package io.farthing.deploy;

import io.farthing.deploy.Rendering.Obj;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * k8s/: the chart rendered with its default values for release "farthing" in namespace "farthing",
 * one file per service (k8s/auth.yaml ...) plus k8s/farthing.yaml for release-wide objects, each
 * object as Helm printed it, in a fixed order. The chart is the one source; this is its output.
 */
final class PlainManifests {

  static final String RELEASE = "farthing";
  static final String NAMESPACE = "farthing";
  static final String REGENERATE = "scripts/render-k8s";

  /** The order objects are applied in within a file: what others refer to comes first. */
  private static final List<String> KIND_ORDER = List.of("ServiceAccount", "ConfigMap", "Service", "Deployment",
      "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "Ingress", "ServiceMonitor", "PrometheusRule");
  private static final Set<String> COMPONENTS = Set.of("auth", "payments", "risk", "notify");

  private PlainManifests() {
  }

  /** File name (in k8s/) to content, rendered from the chart now. */
  static Map<String, String> render() {
    Rendering rendering = Rendering.parse("k8s", Chart.template(RELEASE, NAMESPACE, List.of()));
    Map<String, List<Obj>> byFile = new TreeMap<>();
    for (Obj object : rendering.objects()) {
      if (object.isHelmHook()) {
        continue;
      }
      String file = COMPONENTS.contains(object.component()) ? object.component() + ".yaml" : "farthing.yaml";
      byFile.computeIfAbsent(file, f -> new ArrayList<>()).add(object);
    }
    Map<String, String> files = new TreeMap<>();
    byFile.forEach((file, objects) -> {
      StringBuilder text = new StringBuilder()
          .append("# Generated from helm/farthing by ").append(REGENERATE).append(": release \"").append(RELEASE)
          .append("\", namespace \"").append(NAMESPACE).append("\", the chart's default values.\n")
          .append("# Do not edit: change the chart and run ").append(REGENERATE).append(" (k8s/README.md).\n");
      objects.stream()
          .sorted(Comparator.comparingInt((Obj o) -> rank(o.kind())).thenComparing(Obj::name))
          .forEach(o -> text.append("---\n").append(o.text()).append('\n'));
      files.put(file, text.toString());
    });
    return files;
  }

  private static int rank(String kind) {
    int rank = KIND_ORDER.indexOf(kind);
    return rank < 0 ? KIND_ORDER.size() : rank;
  }

  /** The generated files k8s/ holds now (README.md and anything not YAML excluded). */
  static Map<String, String> onDisk() {
    Map<String, String> files = new TreeMap<>();
    Path dir = Repo.plainManifests();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> paths = Files.list(dir)) {
      for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
        files.put(path.getFileName().toString(), Files.readString(path));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Replaces k8s/*.yaml with {@code files}; README.md stays. */
  static void write(Map<String, String> files) {
    Path dir = Repo.plainManifests();
    try {
      Files.createDirectories(dir);
      for (String stale : onDisk().keySet()) {
        if (!files.containsKey(stale)) {
          Files.delete(dir.resolve(stale));
        }
      }
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What differs between two file sets, file by file, with the first differing line. */
  static List<String> differences(Map<String, String> expected, Map<String, String> actual) {
    List<String> differences = new ArrayList<>();
    for (String file : expected.keySet()) {
      if (!actual.containsKey(file)) {
        differences.add("k8s/" + file + " is missing");
      } else if (!actual.get(file).equals(expected.get(file))) {
        differences.add("k8s/" + file + " differs " + firstDifference(expected.get(file), actual.get(file)));
      }
    }
    for (String file : actual.keySet()) {
      if (!expected.containsKey(file)) {
        differences.add("k8s/" + file + " is not rendered from the chart any more");
      }
    }
    return differences;
  }

  private static String firstDifference(String expected, String actual) {
    String[] e = expected.split("\n", -1);
    String[] a = actual.split("\n", -1);
    for (int i = 0; i < Math.max(e.length, a.length); i++) {
      String want = i < e.length ? e[i] : "<end of file>";
      String have = i < a.length ? a[i] : "<end of file>";
      if (!want.equals(have)) {
        return "at line " + (i + 1) + ": the chart renders '" + want + "', the file has '" + have + "'";
      }
    }
    return "";
  }
}
