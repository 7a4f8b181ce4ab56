package io.farthing.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.deploy.Rendering.Obj;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names and labels the API server would refuse: a Service name must be a DNS label (at most 63
 * characters), every other name a DNS subdomain, every label value at most 63 characters. Checked
 * for every variant and for the longest release name Helm allows (53 characters).
 */
class ObjectNamesAreValidTest {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  /** 53 characters, Helm's limit for a release name. */
  static final String LONGEST_RELEASE = "farthing-" + "x".repeat(44);

  static Stream<Variant> variants() {
    return Variant.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void everyNameAndLabelValueIsOneTheApiServerAccepts(Variant variant) {
    assertEquals(List.of(), problems(variant.rendering()));
  }

  @Test
  void theLongestReleaseNameHelmAllowsStillGivesValidNames() {
    assertEquals(53, LONGEST_RELEASE.length());
    assertEquals(List.of(), problems(Chart.render(LONGEST_RELEASE, "farthing", List.of())));
  }

  @Test
  void aServiceNameLongerThanADnsLabelIsCaught() {
    Rendering broken = Variant.DEFAULTS.rendering().broken(objects -> objects.stream()
        .filter(o -> o.kind().equals("Service")).findFirst().orElseThrow()
        .node().with("metadata").put("name", "s".repeat(64)));
    assertEquals(1, problems(broken).size(), problems(broken).toString());
  }

  static List<String> problems(Rendering rendering) {
    List<String> problems = new ArrayList<>();
    for (Obj object : rendering.objects()) {
      String name = object.name();
      if (object.kind().equals("Service")) {
        if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
          problems.add("Service " + name + " (" + name.length() + " characters) is not a DNS label of at most 63");
        }
      } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
        problems.add(object.id() + ": not a DNS subdomain");
      }
      labels(object, object.node().path("metadata").path("labels"), problems);
      labels(object, object.node().path("spec").path("template").path("metadata").path("labels"), problems);
    }
    return problems;
  }

  private static void labels(Obj object, JsonNode labels, List<String> problems) {
    labels.fields().forEachRemaining(label -> {
      String value = label.getValue().asText();
      if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
        problems.add(object.id() + ": label " + label.getKey() + "=" + value + " is not a valid label value");
      }
    });
  }
}
