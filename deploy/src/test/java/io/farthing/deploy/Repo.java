package io.farthing.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the files these tests read live: the repository root, the chart, k8s/, the variants. */
final class Repo {

  private Repo() {
  }

  /** Surefire sets farthing.root to the module's parent; an IDE run falls back to the working dir. */
  static Path root() {
    String configured = System.getProperty("farthing.root");
    Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
    for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("deploy"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no Farthing repository root above " + start);
  }

  /** helm/farthing, or the chart FARTHING_CHART names (to check a chart in another work tree). */
  static Path chart() {
    String elsewhere = System.getenv("FARTHING_CHART");
    Path chart = elsewhere != null && !elsewhere.isBlank() ? Path.of(elsewhere) : root().resolve("helm/farthing");
    if (!Files.isRegularFile(chart.resolve("Chart.yaml"))) {
      throw new IllegalStateException("the chart is missing: no " + chart.resolve("Chart.yaml"));
    }
    return chart;
  }

  static Path plainManifests() {
    return root().resolve("k8s");
  }

  static Path deployDoc() {
    return root().resolve("docs/deploy.md");
  }

  /** A values file under src/test/resources/values/. */
  static Path valuesFile(String name) {
    URL url = Repo.class.getResource("/values/" + name);
    if (url == null) {
      throw new IllegalStateException("no test resource values/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path resource(String name) {
    URL url = Repo.class.getResource("/" + name);
    if (url == null) {
      throw new IllegalStateException("no test resource " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
