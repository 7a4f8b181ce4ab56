package io.farthing.risk.rule;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * A rule as a caller sends it (create, update, dry-run) and as {@code rules.conditions} is
 * stored. Numbers and values are kept as JSON so that {@link RuleValidator} can refuse a
 * fraction or a string where an integer belongs instead of Jackson rounding or coercing it.
 *
 * @param version on update: the version the caller read (optimistic concurrency)
 */
// Stored conditions are read back through ObjectMapper (RuleService), not only as a REST body.
@RegisterForReflection(targets = {RuleBody.class, RuleBody.ConditionBody.class})
public record RuleBody(
    String id,
    String description,
    List<ConditionBody> conditions,
    JsonNode points,
    String forceVerdict,
    Boolean enabled,
    Integer version) {

  public record ConditionBody(String feature, String op, JsonNode value) {}
}
