package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * k8s/ is the chart's default rendering and nothing else: rendered again here, any difference
 * fails with the command that regenerates it. With -Dfarthing.k8s.write=true (scripts/render-k8s)
 * the test writes k8s/ instead.
 */
class PlainManifestsTest {

  @Test
  void k8sDirectoryIsExactlyTheChartsDefaultRendering() {
    Map<String, String> rendered = PlainManifests.render();
    if (Boolean.getBoolean("farthing.k8s.write")) {
      PlainManifests.write(rendered);
    }
    List<String> differences = PlainManifests.differences(rendered, PlainManifests.onDisk());
    assertEquals(List.of(), differences, "k8s/ has drifted from helm/farthing. Regenerate it from the repository root with: "
        + PlainManifests.REGENERATE + " (then commit k8s/)");
  }

  @Test
  void renderingTwiceGivesTheSameFiles() {
    // A chart that used now, randAlphaNum or a lookup would make k8s/ drift on every run.
    assertEquals(PlainManifests.render(), PlainManifests.render());
  }

  @Test
  void driftIsReportedFileByFileWithTheFirstDifferingLine() {
    Map<String, String> rendered = PlainManifests.render();
    Map<String, String> edited = new TreeMap<>(rendered);
    edited.put("auth.yaml", rendered.get("auth.yaml").replace("maxSurge: 25%", "maxSurge: 50%"));
    edited.remove("risk.yaml");
    edited.put("old.yaml", "kind: ConfigMap\n");
    List<String> differences = PlainManifests.differences(rendered, edited);
    assertEquals(3, differences.size(), differences.toString());
    assertTrue(differences.get(0).startsWith("k8s/auth.yaml differs at line "), differences.get(0));
    assertTrue(differences.get(0).contains("maxSurge: 25%"), differences.get(0));
    assertEquals("k8s/risk.yaml is missing", differences.get(1));
    assertEquals("k8s/old.yaml is not rendered from the chart any more", differences.get(2));
  }

  @Test
  void k8sHoldsOneFilePerServiceAndNoHelmTestPod() {
    Map<String, String> rendered = PlainManifests.render();
    assertEquals(List.of("auth.yaml", "notify.yaml", "payments.yaml", "risk.yaml"), List.copyOf(rendered.keySet()));
    rendered.values().forEach(text -> assertTrue(!text.contains("helm.sh/hook"), "a Helm hook in k8s/"));
  }

  @Test
  void readmeTellsWhichSecretsToCreateFirst() throws Exception {
    String readme = Files.readString(Repo.plainManifests().resolve("README.md"));
    for (String secret : SecretDeclarations.of(Chart.defaultValues()).secrets()) {
      assertTrue(readme.contains(secret), "k8s/README.md does not mention Secret " + secret);
    }
    assertTrue(readme.contains(PlainManifests.REGENERATE), "k8s/README.md does not say how to regenerate");
  }
}
