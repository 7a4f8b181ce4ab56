package io.farthing.payments.undo;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class UndoRepository {

  /**
   * When the charge's money was captured: the time of its capture posting (CHARGE_CAPTURE for a
   * charge captured at once, HOLD_CAPTURE for a hold captured later); empty if never captured.
   */
  public Uni<Optional<Instant>> capturedAt(SqlClient client, UUID chargeId) {
    return client
        .preparedQuery(
            "select max(created_at) as captured_at from postings"
                + " where ref_id = $1 and kind in ('CHARGE_CAPTURE', 'HOLD_CAPTURE')")
        .execute(Tuple.of(chargeId))
        .map(
            rows -> {
              OffsetDateTime at = rows.iterator().next().getOffsetDateTime("captured_at");
              return Optional.ofNullable(at).map(OffsetDateTime::toInstant);
            });
  }

  /**
   * Whether the charge is a tab's settlement (tab_settlements names it, items or metered): the
   * user agreed to each item or increment and closes the tab instead; a settlement can still be
   * disputed or refunded.
   */
  public Uni<Boolean> settlesATab(SqlClient client, UUID chargeId) {
    return client
        .preparedQuery("select exists (select 1 from tab_settlements where charge_id = $1) as settles")
        .execute(Tuple.of(chargeId))
        .map(rows -> rows.iterator().next().getBoolean("settles"));
  }
}
