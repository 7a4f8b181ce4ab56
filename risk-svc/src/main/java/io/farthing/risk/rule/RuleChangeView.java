package io.farthing.risk.rule;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/** One entry of a rule's history: what changed, who changed it, and the rule right after. */
public record RuleChangeView(
    long changeId, String ruleId, int version, RuleChange.Kind change, JsonNode rule, String changedBy,
    Instant changedAt) {}
