package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/** Kubernetes label matching: plain maps (Service.spec.selector) and LabelSelectors. */
final class Selectors {

  private Selectors() {
  }

  /** Every key/value of {@code selector} is among {@code labels}. An empty map matches everything. */
  static boolean mapMatches(JsonNode selector, JsonNode labels) {
    Iterator<Map.Entry<String, JsonNode>> fields = selector.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!labels.path(field.getKey()).isTextual()
          || !labels.path(field.getKey()).asText().equals(field.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  /** A LabelSelector (matchLabels and matchExpressions); an empty one matches everything. */
  static boolean labelSelectorMatches(JsonNode selector, JsonNode labels) {
    if (!mapMatches(selector.path("matchLabels"), labels)) {
      return false;
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      Set<String> values = new HashSet<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.has(key);
      String value = labels.path(key).asText();
      boolean ok = switch (expression.path("operator").asText()) {
        case "In" -> has && values.contains(value);
        case "NotIn" -> !has || !values.contains(value);
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static boolean isEmptyLabelSelector(JsonNode selector) {
    return selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
  }
}
