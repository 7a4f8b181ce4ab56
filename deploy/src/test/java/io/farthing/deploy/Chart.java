package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** helm template and helm lint on helm/farthing, through helm-java (Helm linked in, no binary). */
final class Chart {

  private Chart() {
  }

  /** `helm template <release> helm/farthing -n <namespace> -f <file>...`; throws with Helm's message. */
  static String template(String release, String namespace, List<Path> valuesFiles) {
    TemplateCommand command = new Helm(Repo.chart()).template().withName(release).withNamespace(namespace);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    return command.call();
  }

  static Rendering render(String release, String namespace, List<Path> valuesFiles) {
    return Rendering.parse(release + " " + valuesFiles, template(release, namespace, valuesFiles));
  }

  /** The annotation hooks carry in {@link #renderWithHooks}: helm.sh/hook, renamed. */
  static final String HOOK_ANNOTATION = "farthing.test/helm-hook";

  /**
   * Like {@link #render}, with the hooks (the `helm test` pod) too: helm-java's template prints
   * only the release manifest, never hooks, so this renders a copy of the chart whose templates
   * say {@value #HOOK_ANNOTATION} where they said helm.sh/hook, which makes hooks plain objects.
   */
  static Rendering renderWithHooks(String release, String namespace, List<Path> valuesFiles) {
    Path workDir;
    try {
      workDir = Files.createTempDirectory("farthing-chart-hooks");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Path copy = workDir.resolve("farthing");
      copyTree(Repo.chart(), copy);
      try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String text = Files.readString(file);
          Files.writeString(file, text.replace("helm.sh/hook", HOOK_ANNOTATION));
        }
      }
      TemplateCommand command = new Helm(copy).template().withName(release).withNamespace(namespace);
      for (Path file : valuesFiles) {
        command = command.withValuesFile(file);
      }
      return Rendering.parse(release + " " + valuesFiles + " with hooks", command.call());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteTree(workDir);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chart's own values.yaml. */
  static JsonNode defaultValues() {
    return Yaml.read(Repo.chart().resolve("values.yaml"));
  }

  /** `helm lint --strict helm/farthing`. */
  static LintResult lint() {
    return new Helm(Repo.chart()).lint().strict().call();
  }

  /**
   * `helm lint --strict -f <file>`: helm-java 0.0.21's lint takes no values files, so the chart is
   * copied to {@code workDir} with values.yaml replaced by the defaults merged with the file, the
   * same values Helm would lint (the schema still checks them).
   */
  static LintResult lint(Path valuesFile, Path workDir) {
    Path copy = workDir.resolve("farthing");
    copyTree(Repo.chart(), copy);
    JsonNode merged = Yaml.merge(defaultValues(), Yaml.read(valuesFile));
    Yaml.write(copy.resolve("values.yaml"), merged);
    return new Helm(copy).lint().strict().call();
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
