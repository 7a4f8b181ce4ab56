package io.farthing.risk.decision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.SecurityLevel;
import io.farthing.risk.score.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The stored form of a decision: one row of {@code decisions}, its jsonb columns written here. */
final class DecisionJson {
  private final ObjectMapper json;

  DecisionJson(ObjectMapper json) {
    this.json = json;
  }

  /** The row as a JSON object whose keys are the column names (for jsonb_populate_recordset). */
  ObjectNode row(Decision d) {
    RiskContext c = d.context();
    ObjectNode row = json.createObjectNode();
    row.put("id", d.id().toString());
    row.put("caller", c.caller());
    row.put("request_id", c.requestId());
    row.put("user_id", c.userId().toString());
    row.put("merchant_id", c.merchantId());
    row.put("channel", c.channel().name());
    row.put("amount_minor", c.amountMinor());
    row.put("currency", c.currency());
    row.put("score", d.score());
    row.put("verdict", d.verdict().name());
    row.put("rule_points", d.rulePoints());
    row.put("model_points", d.modelPoints());
    row.put("model_version", d.modelVersion());
    row.put("degraded", d.degraded());
    row.put("challenge_at", d.thresholds().challengeAt());
    row.put("deny_at", d.thresholds().denyAt());
    row.set("request", request(c));
    row.set("features", json.valueToTree(d.features().asText()));
    row.set("reasons", reasons(d.reasons()));
    row.put("decided_at", d.decidedAt().toString());
    return row;
  }

  ObjectNode request(RiskContext c) {
    ObjectNode r = json.createObjectNode();
    r.put("caller", c.caller());
    r.put("requestId", c.requestId());
    r.put("userId", c.userId().toString());
    r.put("walletId", c.walletId());
    r.put("merchantId", c.merchantId());
    r.put("merchantCategory", c.merchantCategory());
    r.put("amountMinor", c.amountMinor());
    r.put("currency", c.currency());
    r.put("channel", c.channel().name());
    r.put("deviceId", c.deviceId());
    r.put("deviceKnown", c.deviceKnown());
    r.put("ip", c.ip());
    r.put("country", c.country());
    if (c.location() != null) {
      r.put("latitudeE6", c.location().latitudeE6());
      r.put("longitudeE6", c.location().longitudeE6());
    }
    r.put("kycTier", c.kycTier());
    r.put("securityLevel", c.securityLevel().name());
    r.put("at", c.at().toString());
    r.put("cashEquivalent", c.cashEquivalent());
    r.put("counterpartyUserId", c.counterpartyUserId() == null ? null : c.counterpartyUserId().toString());
    return r;
  }

  RiskContext context(JsonNode r) {
    RiskContext.GeoPoint location =
        r.hasNonNull("latitudeE6")
            ? new RiskContext.GeoPoint(r.get("latitudeE6").asInt(), r.get("longitudeE6").asInt())
            : null;
    return new RiskContext(
        text(r, "caller"),
        text(r, "requestId"),
        UUID.fromString(text(r, "userId")),
        text(r, "walletId"),
        text(r, "merchantId"),
        text(r, "merchantCategory"),
        r.get("amountMinor").asLong(),
        text(r, "currency"),
        Channel.valueOf(text(r, "channel")),
        text(r, "deviceId"),
        r.path("deviceKnown").asBoolean(),
        text(r, "ip"),
        text(r, "country"),
        location,
        r.path("kycTier").asInt(),
        SecurityLevel.valueOf(text(r, "securityLevel")),
        Instant.parse(text(r, "at")),
        r.path("cashEquivalent").asBoolean(),
        r.hasNonNull("counterpartyUserId") ? UUID.fromString(text(r, "counterpartyUserId")) : null);
  }

  ArrayNode reasons(List<Reason> reasons) {
    ArrayNode array = json.createArrayNode();
    for (Reason reason : reasons) {
      ObjectNode node = array.addObject();
      node.put("ruleId", reason.ruleId());
      node.put("description", reason.description());
      node.put("points", reason.points());
      node.set("features", json.valueToTree(reason.features()));
      node.put("forcedVerdict", reason.forcedVerdict() == null ? null : reason.forcedVerdict().name());
    }
    return array;
  }

  List<Reason> reasons(JsonNode array) {
    List<Reason> reasons = new ArrayList<>();
    for (JsonNode node : array) {
      Map<String, String> features = new LinkedHashMap<>();
      node.path("features").fields().forEachRemaining(e -> features.put(e.getKey(), e.getValue().asText()));
      reasons.add(
          new Reason(
              text(node, "ruleId"),
              text(node, "description"),
              node.path("points").asInt(),
              features,
              node.hasNonNull("forcedVerdict") ? Verdict.valueOf(text(node, "forcedVerdict")) : null));
    }
    return reasons;
  }

  Features features(JsonNode object) {
    Map<String, String> stored = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> stored.put(e.getKey(), e.getValue().asText()));
    return Features.fromText(stored);
  }

  JsonNode parse(Object value) {
    try {
      return value instanceof String s ? json.readTree(s) : json.valueToTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored decision is not valid JSON", e);
    }
  }

  String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
