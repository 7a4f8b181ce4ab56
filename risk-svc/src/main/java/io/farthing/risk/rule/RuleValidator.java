package io.farthing.risk.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.farthing.common.ApiException;
import io.farthing.risk.feature.FeatureNames;
import io.farthing.risk.score.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns what a caller sent into a {@link Rule}, or refuses it with a reason a client can switch
 * on: INVALID_RULE (shape, id, description, points, verdict, number of conditions),
 * UNKNOWN_FEATURE, INVALID_OPERATOR (unknown, or not one for the feature's kind) and
 * INVALID_VALUE (wrong type, list size, text length). Messages name the offending field.
 */
public final class RuleValidator {
  public static final String INVALID_RULE = "INVALID_RULE";
  public static final String UNKNOWN_FEATURE = "UNKNOWN_FEATURE";
  public static final String INVALID_OPERATOR = "INVALID_OPERATOR";
  public static final String INVALID_VALUE = "INVALID_VALUE";

  public static final Pattern ID = Pattern.compile("^[a-z0-9][a-z0-9-]{1,63}$");
  public static final int MAX_CONDITIONS = 10;
  public static final int MAX_LIST_VALUES = 50;
  public static final int MAX_DESCRIPTION = 500;
  public static final int MAX_LABEL_LENGTH = 100;
  public static final int MAX_POINTS = 1000;

  private RuleValidator() {}

  /** The id alone (path parameters): malformed ids cannot name a rule. */
  public static String validId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw invalid(INVALID_RULE, "id must match " + ID.pattern()
          + ": 2 to 64 lower-case letters, digits and dashes, not starting with a dash");
    }
    return id;
  }

  /**
   * A complete rule. {@code id} may come from the path (then the body's id, if any, must agree);
   * {@code enabled} defaults to {@code enabledByDefault} when the body leaves it out.
   */
  public static Rule validate(String id, RuleBody body, boolean enabledByDefault, int version) {
    if (body == null) {
      throw invalid(INVALID_RULE, "a rule is required");
    }
    String ruleId = id != null ? id : body.id();
    validId(ruleId);
    if (body.id() != null && !body.id().equals(ruleId)) {
      throw invalid(INVALID_RULE, "id in the body (" + body.id() + ") is not the rule's id (" + ruleId + ")");
    }
    String description = description(body.description());
    List<Condition> conditions = conditions(body.conditions());
    int points = points(body.points());
    Verdict force = forceVerdict(body.forceVerdict());
    boolean enabled = body.enabled() == null ? enabledByDefault : body.enabled();
    return new Rule(ruleId, description, conditions, points, force, enabled, version);
  }

  private static String description(String description) {
    String stripped = description == null ? "" : description.strip();
    if (stripped.isEmpty() || stripped.length() > MAX_DESCRIPTION) {
      throw invalid(INVALID_RULE, "description must have 1 to " + MAX_DESCRIPTION + " characters");
    }
    return stripped;
  }

  private static int points(JsonNode points) {
    if (points == null || points.isNull()) {
      throw invalid(INVALID_RULE, "points is required (an integer from -" + MAX_POINTS + " to " + MAX_POINTS + ")");
    }
    if (!points.isIntegralNumber() || !points.canConvertToInt()
        || Math.abs(points.intValue()) > MAX_POINTS) {
      throw invalid(INVALID_RULE, "points must be an integer from -" + MAX_POINTS + " to " + MAX_POINTS);
    }
    return points.intValue();
  }

  private static Verdict forceVerdict(String force) {
    if (force == null) {
      return null;
    }
    try {
      return Verdict.valueOf(force);
    } catch (IllegalArgumentException e) {
      throw invalid(INVALID_RULE, "forceVerdict must be ALLOW, CHALLENGE or DENY (or left out)");
    }
  }

  private static List<Condition> conditions(List<RuleBody.ConditionBody> bodies) {
    if (bodies == null || bodies.isEmpty() || bodies.size() > MAX_CONDITIONS) {
      throw invalid(INVALID_RULE, "conditions must hold 1 to " + MAX_CONDITIONS + " conditions, all of which must hold");
    }
    List<Condition> conditions = new ArrayList<>(bodies.size());
    for (int i = 0; i < bodies.size(); i++) {
      conditions.add(condition("conditions[" + i + "]", bodies.get(i)));
    }
    return conditions;
  }

  private static Condition condition(String at, RuleBody.ConditionBody body) {
    if (body == null) {
      throw invalid(INVALID_RULE, at + " must be {feature, op, value}");
    }
    FeatureNames.Definition feature = body.feature() == null ? null : FeatureNames.all().get(body.feature());
    if (feature == null) {
      throw invalid(UNKNOWN_FEATURE, at + ".feature: " + (body.feature() == null ? "is required" :
          "'" + clip(body.feature()) + "' is not a feature") + "; GET /admin/v1/features lists them");
    }
    Operator op = Operator.parse(body.op());
    Set<Operator> allowed = Operator.allowedFor(feature.kind());
    if (op == null || !allowed.contains(op)) {
      String kind = feature.kind().name().toLowerCase(Locale.ROOT);
      throw invalid(INVALID_OPERATOR, at + ".op: " + (op == null ? "'" + clip(String.valueOf(body.op()))
          + "' is not an operator" : op + " does not apply to the " + kind + " feature " + feature.name())
          + "; use one of " + allowed);
    }
    Object value = feature.kind() == FeatureNames.Kind.NUMBER
        ? numberValue(at + ".value", op, body.value())
        : labelValue(at + ".value", op, body.value());
    return new Condition(feature.name(), op, value);
  }

  private static Object numberValue(String at, Operator op, JsonNode value) {
    if (!op.takesList()) {
      return integer(at, value);
    }
    List<Long> values = new ArrayList<>();
    for (JsonNode item : list(at, value, "integers")) {
      values.add(integer(at, item));
    }
    return List.copyOf(new LinkedHashSet<>(values));
  }

  private static Object labelValue(String at, Operator op, JsonNode value) {
    if (!op.takesList()) {
      return text(at, value);
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : list(at, value, "strings")) {
      values.add(text(at, item));
    }
    return List.copyOf(new LinkedHashSet<>(values));
  }

  private static JsonNode list(String at, JsonNode value, String what) {
    if (value == null || !value.isArray() || value.isEmpty() || value.size() > MAX_LIST_VALUES) {
      throw invalid(INVALID_VALUE, at + " must be a list of 1 to " + MAX_LIST_VALUES + " " + what);
    }
    return value;
  }

  private static long integer(String at, JsonNode value) {
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid(INVALID_VALUE, at + " must be an integer for a number feature");
    }
    return value.longValue();
  }

  private static String text(String at, JsonNode value) {
    if (value == null || !value.isTextual() || value.textValue().isEmpty()
        || value.textValue().length() > MAX_LABEL_LENGTH) {
      throw invalid(INVALID_VALUE, at + " must be a string of 1 to " + MAX_LABEL_LENGTH + " characters for a label feature");
    }
    return value.textValue();
  }

  private static String clip(String text) {
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  private static ApiException invalid(String reason, String message) {
    return ApiException.invalid(message, reason);
  }
}
