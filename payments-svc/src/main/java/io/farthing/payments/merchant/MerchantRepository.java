package io.farthing.payments.merchant;

import io.farthing.payments.fee.FeePlan;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

@ApplicationScoped
public class MerchantRepository {
  private static final String SELECT =
      """
      select m.partner_client_id, m.name, m.category, m.status, m.version, m.created_at, m.updated_at,
             f.currency, f.fixed_minor, f.rate_bps, f.min_fee_minor, f.max_fee_minor
        from merchants m left join fee_plans f on f.partner_client_id = m.partner_client_id
      """;

  private final Pool pool;

  public MerchantRepository(Pool pool) {
    this.pool = pool;
  }

  public Uni<Optional<Merchant>> find(String partnerClientId) {
    return pool.preparedQuery(SELECT + " where m.partner_client_id = $1")
        .execute(Tuple.of(partnerClientId))
        .map(rows -> merchants(rows).stream().findFirst());
  }

  /** The merchant's display name, read with {@code client} (the caller's transaction). */
  public Uni<Optional<String>> name(io.vertx.mutiny.sqlclient.SqlClient client, String partnerClientId) {
    return client.preparedQuery("select name from merchants where partner_client_id = $1")
        .execute(Tuple.of(partnerClientId))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getString(0)) : Optional.<String>empty());
  }

  public Uni<List<Merchant>> list(String after, int limit) {
    return pool.preparedQuery(
            SELECT
                + " where m.partner_client_id in (select partner_client_id from merchants where partner_client_id > $1"
                + " order by partner_client_id limit $2) order by m.partner_client_id")
        .execute(Tuple.of(after == null ? "" : after, limit))
        .map(MerchantRepository::merchants);
  }

  /** Inserts or replaces a merchant and its fee plans; false when {@code expectedVersion} is stale. */
  public Uni<Boolean> upsert(
      SqlConnection tx, String partnerClientId, String name, String category, String status, Long expectedVersion,
      Map<String, FeePlan> plans) {
    String sql =
        expectedVersion == null
            ? "insert into merchants (partner_client_id, name, category, status) values ($1, $2, $3, $4)"
                + " on conflict (partner_client_id) do nothing"
            : "update merchants set name = $2, category = $3, status = $4, version = version + 1, updated_at = now()"
                + " where partner_client_id = $1 and version = $5";
    Tuple args = Tuple.of(partnerClientId, name, category, status);
    if (expectedVersion != null) {
      args.addLong(expectedVersion);
    }
    return tx.preparedQuery(sql)
        .execute(args)
        .chain(
            result -> {
              if (result.rowCount() == 0) {
                return Uni.createFrom().item(false);
              }
              return tx.preparedQuery("delete from fee_plans where partner_client_id = $1")
                  .execute(Tuple.of(partnerClientId))
                  .chain(() -> insertPlans(tx, partnerClientId, plans))
                  .replaceWith(true);
            });
  }

  private static Uni<Void> insertPlans(SqlConnection tx, String partnerClientId, Map<String, FeePlan> plans) {
    if (plans.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    List<Tuple> batch = new ArrayList<>();
    for (FeePlan plan : plans.values()) {
      batch.add(
          Tuple.from(
              java.util.Arrays.asList(
                  partnerClientId, plan.currency(), plan.fixedMinor(), plan.rateBps(), plan.minFeeMinor(),
                  plan.maxFeeMinor())));
    }
    return tx.preparedQuery(
            "insert into fee_plans (partner_client_id, currency, fixed_minor, rate_bps, min_fee_minor, max_fee_minor)"
                + " values ($1, $2, $3, $4, $5, $6)")
        .executeBatch(batch)
        .replaceWithVoid();
  }

  private static List<Merchant> merchants(RowSet<Row> rows) {
    Map<String, Row> heads = new LinkedHashMap<>();
    Map<String, Map<String, FeePlan>> plans = new LinkedHashMap<>();
    for (Row row : rows) {
      String id = row.getString("partner_client_id");
      heads.putIfAbsent(id, row);
      Map<String, FeePlan> own = plans.computeIfAbsent(id, k -> new TreeMap<>());
      String currency = row.getString("currency");
      if (currency != null) {
        own.put(
            currency,
            new FeePlan(
                currency,
                row.getLong("fixed_minor"),
                row.getInteger("rate_bps"),
                row.getLong("min_fee_minor"),
                row.getLong("max_fee_minor")));
      }
    }
    List<Merchant> merchants = new ArrayList<>();
    heads.forEach(
        (id, row) ->
            merchants.add(
                new Merchant(
                    id,
                    row.getString("name"),
                    row.getString("category"),
                    row.getString("status"),
                    row.getLong("version"),
                    java.util.Collections.unmodifiableMap(plans.get(id)),
                    row.getOffsetDateTime("created_at").toInstant(),
                    row.getOffsetDateTime("updated_at").toInstant())));
    return merchants;
  }
}
