package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** `helm lint --strict`: no error and no warning, with the defaults and with every variant. */
class ChartLintTest {

  @Test
  void chartLintsStrictWithItsDefaultValues() {
    assertClean("defaults", Chart.lint());
  }

  static Stream<Variant> variantsWithValuesFiles() {
    return Variant.all().stream().filter(v -> v.valuesFile().isPresent());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variantsWithValuesFiles")
  void chartLintsStrictWithEachVariantValuesFile(Variant variant, @TempDir Path workDir) {
    assertClean(variant.name(), Chart.lint(variant.valuesFiles().getFirst(), workDir));
  }

  @Test
  void lintFailsOnValuesTheSchemaRejects(@TempDir Path workDir) throws Exception {
    Path broken = workDir.resolve("broken.yaml");
    java.nio.file.Files.writeString(broken, "auth:\n  replicaCount: -1\n");
    LintResult result = Chart.lint(broken, workDir);
    assertTrue(result.isFailed(), "lint accepted replicaCount -1: " + result.getMessages());
  }

  private static void assertClean(String label, LintResult result) {
    List<String> problems = result.getMessages().stream()
        .filter(m -> m.contains("[ERROR]") || m.contains("[WARNING]"))
        .toList();
    assertFalse(result.isFailed(), label + ": helm lint --strict failed: " + result.getMessages());
    assertTrue(problems.isEmpty(), label + ": helm lint --strict reported " + problems);
  }
}
