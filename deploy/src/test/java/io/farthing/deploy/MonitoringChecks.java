package io.farthing.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonParser;
import io.farthing.deploy.Rendering.Obj;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus Operator's ServiceMonitor and PrometheusRule have no client-java model, so their
 * shape is checked here: known fields only (a misspelling fails, as it does for core kinds), the
 * fields the operator needs, and for every alert a severity, a summary and a runbook_url whose
 * anchor is a heading of docs/deploy.md.
 */
final class MonitoringChecks {

  private static final Set<String> TOP = Set.of("apiVersion", "kind", "metadata", "spec");
  private static final Set<String> SERVICE_MONITOR_SPEC = Set.of("jobLabel", "targetLabels", "podTargetLabels",
      "endpoints", "selector", "selectorMechanism", "namespaceSelector", "sampleLimit", "scrapeProtocols",
      "fallbackScrapeProtocol", "targetLimit", "labelLimit", "labelNameLengthLimit", "labelValueLengthLimit",
      "nativeHistogramBucketLimit", "nativeHistogramMinBucketFactor", "convertClassicHistogramsToNHCB",
      "scrapeClassicHistograms", "keepDroppedTargets", "attachMetadata", "scrapeClass", "bodySizeLimit",
      "serviceDiscoveryRole");
  private static final Set<String> ENDPOINT = Set.of("port", "targetPort", "path", "scheme", "params", "interval",
      "scrapeTimeout", "tlsConfig", "bearerTokenFile", "bearerTokenSecret", "authorization", "honorLabels",
      "honorTimestamps", "trackTimestampsStaleness", "basicAuth", "oauth2", "metricRelabelings", "relabelings",
      "proxyUrl", "noProxy", "proxyFromEnvironment", "proxyConnectHeader", "followRedirects", "enableHttp2",
      "filterRunning");
  private static final Set<String> RELABELING = Set.of("sourceLabels", "separator", "targetLabel", "regex",
      "modulus", "replacement", "action");
  private static final Set<String> LABEL_SELECTOR = Set.of("matchLabels", "matchExpressions");
  private static final Set<String> NAMESPACE_SELECTOR = Set.of("any", "matchNames");
  private static final Set<String> RULE_SPEC = Set.of("groups");
  private static final Set<String> GROUP = Set.of("name", "interval", "rules", "partial_response_strategy", "limit",
      "query_offset", "labels");
  private static final Set<String> RULE = Set.of("alert", "record", "expr", "for", "keep_firing_for", "labels",
      "annotations");
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.+?)\\s*#*\\s*$");
  private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");

  private MonitoringChecks() {
  }

  static List<String> serviceMonitorsAreWellFormed(Rendering r) {
    List<String> problems = new ArrayList<>();
    for (Obj monitor : r.ofKind("ServiceMonitor")) {
      String id = monitor.id();
      JsonNode spec = monitor.node().path("spec");
      unknown(id, "", monitor.node(), TOP, problems);
      metadata(monitor, problems);
      unknown(id, "spec", spec, SERVICE_MONITOR_SPEC, problems);
      JsonNode selector = spec.path("selector");
      unknown(id, "spec.selector", selector, LABEL_SELECTOR, problems);
      unknown(id, "spec.namespaceSelector", spec.path("namespaceSelector"), NAMESPACE_SELECTOR, problems);
      if (!selector.isObject() || Selectors.isEmptyLabelSelector(selector)) {
        problems.add(id + ": spec.selector is missing or empty");
      }
      if (!spec.path("endpoints").isArray() || spec.path("endpoints").isEmpty()) {
        problems.add(id + ": spec.endpoints is missing or empty");
      }
      List<Obj> services = r.ofKind("Service").stream()
          .filter(s -> Selectors.labelSelectorMatches(selector, s.node().path("metadata").path("labels")))
          .toList();
      if (services.isEmpty()) {
        problems.add(id + ": spec.selector matches no Service of this release");
      }
      for (JsonNode endpoint : spec.path("endpoints")) {
        unknown(id, "spec.endpoints[]", endpoint, ENDPOINT, problems);
        endpoint.path("relabelings").forEach(x -> unknown(id, "relabelings[]", x, RELABELING, problems));
        endpoint.path("metricRelabelings").forEach(x -> unknown(id, "metricRelabelings[]", x, RELABELING, problems));
        if (!endpoint.path("port").isTextual() && endpoint.path("targetPort").isMissingNode()) {
          problems.add(id + ": an endpoint without port (a Service port name) or targetPort");
        }
        if (endpoint.path("port").isTextual()) {
          for (Obj service : services) {
            if (!CrossChecks.serviceHasPort(service, endpoint.path("port"))) {
              problems.add(id + ": endpoint port '" + endpoint.path("port").asText() + "' is not a port of " + service.id());
            }
          }
        }
      }
    }
    return problems;
  }

  /** {@code runbookAnchors}: the anchors docs/deploy.md has, or null when the file is missing. */
  static List<String> prometheusRulesAreWellFormed(Rendering r, Set<String> runbookAnchors) {
    List<String> problems = new ArrayList<>();
    for (Obj ruleObject : r.ofKind("PrometheusRule")) {
      String id = ruleObject.id();
      JsonNode spec = ruleObject.node().path("spec");
      unknown(id, "", ruleObject.node(), TOP, problems);
      metadata(ruleObject, problems);
      unknown(id, "spec", spec, RULE_SPEC, problems);
      if (!spec.path("groups").isArray() || spec.path("groups").isEmpty()) {
        problems.add(id + ": spec.groups is missing or empty");
      }
      Set<String> alerts = new HashSet<>();
      for (JsonNode group : spec.path("groups")) {
        String groupName = group.path("name").asText("");
        unknown(id, "group " + groupName, group, GROUP, problems);
        if (groupName.isBlank()) {
          problems.add(id + ": a group without a name");
        }
        if (!group.path("rules").isArray() || group.path("rules").isEmpty()) {
          problems.add(id + ": group " + groupName + " has no rules");
        }
        for (JsonNode rule : group.path("rules")) {
          String alert = rule.path("alert").asText("");
          String where = id + " alert " + (alert.isBlank() ? rule.path("record").asText("?") : alert);
          unknown(where, "", rule, RULE, problems);
          if (alert.isBlank()) {
            problems.add(where + ": a rule without an alert name (recording rules do not belong here)");
            continue;
          }
          if (!alerts.add(alert)) {
            problems.add(where + ": defined twice");
          }
          if (rule.path("expr").asText("").isBlank()) {
            problems.add(where + ": no expr");
          }
          if (!SEVERITIES.contains(rule.path("labels").path("severity").asText(""))) {
            problems.add(where + ": labels.severity is '" + rule.path("labels").path("severity").asText("")
                + "', not one of " + SEVERITIES);
          }
          if (rule.path("annotations").path("summary").asText("").isBlank()) {
            problems.add(where + ": no annotations.summary");
          }
          problems.addAll(runbook(where, rule.path("annotations").path("runbook_url").asText(""), runbookAnchors));
        }
      }
    }
    return problems;
  }

  private static List<String> runbook(String where, String url, Set<String> anchors) {
    if (url.isBlank()) {
      return List.of(where + ": no annotations.runbook_url");
    }
    int hash = url.indexOf('#');
    if (hash < 0 || hash == url.length() - 1) {
      return List.of(where + ": runbook_url " + url + " has no #anchor");
    }
    if (!url.substring(0, hash).endsWith("docs/deploy.md")) {
      return List.of(where + ": runbook_url " + url + " does not point at docs/deploy.md");
    }
    if (anchors == null) {
      return List.of(where + ": docs/deploy.md is missing, so runbook anchor #" + url.substring(hash + 1) + " cannot exist");
    }
    String anchor = url.substring(hash + 1);
    if (!anchors.contains(anchor)) {
      return List.of(where + ": runbook_url anchor #" + anchor + " is not a heading of docs/deploy.md");
    }
    return List.of();
  }

  /** GitHub's heading anchors of a Markdown file (and explicit {@code <a id>} anchors). */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Set<String> seen = new HashSet<>();
    boolean inFence = false;
    for (String line : markdown.split("\n", -1)) {
      if (line.stripLeading().startsWith("```") || line.stripLeading().startsWith("~~~")) {
        inFence = !inFence;
        continue;
      }
      Matcher anchor = HTML_ANCHOR.matcher(line);
      while (anchor.find()) {
        anchors.add(anchor.group(1));
      }
      Matcher heading = HEADING.matcher(line);
      if (!inFence && heading.matches()) {
        String slug = slug(heading.group(1));
        String unique = slug;
        for (int n = 1; !seen.add(unique); n++) {
          unique = slug + "-" + n;
        }
        anchors.add(unique);
      }
    }
    return anchors;
  }

  /** GitHub: lower case, drop punctuation but hyphens and underscores, spaces become hyphens. */
  static String slug(String heading) {
    String text = heading.replaceAll("`", "").replaceAll("\\[([^]]*)]\\([^)]*\\)", "$1");
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
  }

  private static void metadata(Obj object, List<String> problems) {
    try {
      V1ObjectMeta.validateJsonElement(JsonParser.parseString(object.node().path("metadata").toString()));
    } catch (Exception e) {
      problems.add(object.id() + ": metadata: " + e.getMessage());
    }
  }

  private static void unknown(String id, String path, JsonNode node, Set<String> known, List<String> problems) {
    if (!node.isObject()) {
      return;
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(id + ": unknown field " + (path.isEmpty() ? "" : path + ".") + name);
      }
    }
  }
}
