package io.farthing.risk.rule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.farthing.risk.feature.Features;
import io.farthing.risk.score.Verdict;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Reads recent rows of {@code decisions} (written by scoring) for dry-runs. Read-only. */
@ApplicationScoped
public class StoredDecisions {
  private static final Logger LOG = Logger.getLogger(StoredDecisions.class);
  private static final TypeReference<Map<String, String>> TEXT_MAP = new TypeReference<>() {};
  private static final String RECENT =
      "select cast(id as text), concat(features), concat(reasons), score, verdict, rule_points, model_points,"
          + " challenge_at, deny_at from decisions order by decided_at desc, id desc limit ?1";

  private final ObjectMapper json;

  public StoredDecisions(ObjectMapper json) {
    this.json = json;
  }

  /** The newest {@code limit} decisions, newest first; a row this version cannot read is skipped. */
  @WithSession
  public Uni<List<StoredDecision>> recent(int limit) {
    return Panache.getSession()
        .chain(session -> session.createNativeQuery(RECENT, Object[].class).setParameter(1, (long) limit).getResultList())
        .map(this::parse);
  }

  private List<StoredDecision> parse(List<Object[]> rows) {
    List<StoredDecision> decisions = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      try {
        decisions.add(parse(row));
      } catch (RuntimeException | JsonProcessingException e) {
        LOG.warnf("Decision %s cannot be replayed and is skipped: %s", row[0], e.toString());
      }
    }
    return decisions;
  }

  private StoredDecision parse(Object[] row) throws JsonProcessingException {
    Features features = Features.fromText(json.readValue((String) row[1], TEXT_MAP));
    List<StoredDecision.Contribution> reasons = new ArrayList<>();
    for (JsonNode reason : json.readTree((String) row[2])) {
      JsonNode forced = reason.get("forcedVerdict");
      reasons.add(new StoredDecision.Contribution(
          reason.path("ruleId").asText(null),
          reason.path("points").asInt(0),
          forced == null || forced.isNull() ? null : Verdict.valueOf(forced.asText())));
    }
    return new StoredDecision(
        UUID.fromString((String) row[0]),
        features,
        number(row[3]),
        Verdict.valueOf((String) row[4]),
        number(row[5]),
        number(row[6]),
        number(row[7]),
        number(row[8]),
        List.copyOf(reasons));
  }

  private static int number(Object value) {
    return ((Number) value).intValue();
  }
}
