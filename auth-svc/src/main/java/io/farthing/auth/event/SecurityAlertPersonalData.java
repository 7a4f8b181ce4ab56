package io.farthing.auth.event;

import io.farthing.auth.privacy.PersonalDataHolder;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The security alerts' share of export and erasure: an alert's data holds the account's email
 * address in clear (notify-svc needs it to send the alert), so erasure deletes the user's alerts,
 * published or not — an erased account has no one left to alert.
 */
@ApplicationScoped
public class SecurityAlertPersonalData implements PersonalDataHolder {
  @Override
  public String section() {
    return "securityAlerts";
  }

  @Override
  public Uni<Object> export(UUID userId) {
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(
                        "select type, cast(occurred_at as text), cast(data as text) from outbox where user_id = ?1 order by seq",
                        Object[].class)
                    .setParameter(1, userId)
                    .getResultList())
        .map(
            rows -> {
              List<Object> alerts = new ArrayList<>();
              for (Object[] row : rows) {
                alerts.add(Map.of("type", row[0], "occurredAt", row[1], "data", new JsonObject((String) row[2]).getMap()));
              }
              return alerts;
            });
  }

  @Override
  public Uni<Void> erase(UUID userId) {
    return Panache.getSession()
        .chain(session -> session.createNativeQuery("delete from outbox where user_id = ?1").setParameter(1, userId).executeUpdate())
        .replaceWithVoid();
  }
}
