package io.farthing.payments.ledger;

import io.farthing.common.Ids;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ledger accounts by (kind, owner, currency). Accounts never change once created, so their ids are
 * cached for the life of the process; creation is an idempotent upsert, safe across replicas.
 */
@ApplicationScoped
public class Accounts {
  private static final String UPSERT =
      """
      insert into accounts (id, kind, owner, currency) values ($1, $2, $3, $4)
      on conflict (kind, owner, currency) do nothing
      """;
  private static final String FIND = "select id from accounts where kind = $1 and owner = $2 and currency = $3";

  private final Pool pool;
  private final ConcurrentHashMap<String, UUID> ids = new ConcurrentHashMap<>();

  public Accounts(Pool pool) {
    this.pool = pool;
  }

  /** The platform's account of this kind in this currency, created on first use. */
  public Uni<UUID> platform(AccountKind kind, String currency) {
    return account(pool, kind, AccountKind.PLATFORM, currency);
  }

  public Uni<UUID> merchant(String partnerClientId, String currency) {
    return account(pool, AccountKind.MERCHANT, partnerClientId, currency);
  }

  /**
   * The account, created if missing, through {@code client} (the pool, or a transaction: then the
   * id is cached only once a later call through the pool finds it).
   */
  public Uni<UUID> account(SqlClient client, AccountKind kind, String owner, String currency) {
    String cacheKey = kind + "|" + owner + "|" + currency;
    UUID cached = ids.get(cacheKey);
    if (cached != null) {
      return Uni.createFrom().item(cached);
    }
    return client
        .preparedQuery(UPSERT)
        .execute(Tuple.of(Ids.newId(), kind.name(), owner, currency))
        .chain(() -> client.preparedQuery(FIND).execute(Tuple.of(kind.name(), owner, currency)))
        .map(rows -> rows.iterator().next().getUUID("id"))
        // Only an account created outside a transaction is known to exist: one created inside a
        // transaction that later rolls back would otherwise stay cached without its row.
        .invoke(id -> {
          if (client == pool) {
            ids.put(cacheKey, id);
          }
        });
  }
}
