package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert expressions themselves, evaluated by Prometheus' own engine: `promtool test rules`
 * feeds the chart's rendered rules synthetic series shaped like the services' metrics
 * (src/test/resources/promtool/alerts-test.yaml) and checks which alerts fire, with which labels
 * and summaries, and which stay quiet. promtool comes from Debian's prometheus package, which
 * scripts/test installs.
 */
class AlertRulesTest {

  private static final Variant PRODUCTION = Variant.named("production");

  @Test
  void alertsFireOnTheFailuresTheyNameAndStayQuietOtherwise(@TempDir Path dir) throws Exception {
    Result result = promtoolTest(PRODUCTION.rendering(), dir);
    assertEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("SUCCESS"), result.output());
  }

  @Test
  void theRuleTestsNoticeAThresholdThatNoLongerCatchesTheFailure(@TempDir Path dir) throws Exception {
    Path looser = dir.resolve("looser.yaml");
    Files.writeString(looser, "metrics:\n  prometheusRule:\n    thresholds: {errorRatio: 0.5}\n");
    List<Path> values = new java.util.ArrayList<>(PRODUCTION.valuesFiles());
    values.add(looser);
    Rendering rendering = Chart.render(PRODUCTION.release(), PRODUCTION.namespace(), values);
    Result result = promtoolTest(rendering, dir);
    assertNotEquals(0, result.exit(), result.output());
    assertTrue(result.output().contains("FarthingHighErrorRate"), result.output());
  }

  private record Result(int exit, String output) {
  }

  private static Result promtoolTest(Rendering rendering, Path dir) throws IOException, InterruptedException {
    List<Rendering.Obj> rules = rendering.ofKind("PrometheusRule");
    assertEquals(1, rules.size(), "PrometheusRule objects");
    ObjectNode ruleFile = Yaml.MAPPER.createObjectNode();
    ruleFile.set("groups", rules.get(0).node().path("spec").path("groups"));
    Yaml.write(dir.resolve("rules.yaml"), ruleFile);
    Path tests = dir.resolve("alerts-test.yaml");
    Files.copy(Repo.resource("promtool/alerts-test.yaml"), tests);

    Process process;
    try {
      process = new ProcessBuilder("promtool", "test", "rules", tests.getFileName().toString())
          .directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("promtool is not installed: scripts/test installs it (Debian package prometheus), "
          + "or run `apt-get install --no-install-recommends prometheus`", e);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("promtool test rules did not finish in 60 s");
    }
    return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
