package io.farthing.payments.ledger;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes postings. Always inside the caller's transaction, next to the wallet update, the
 * business row and the outbox event it belongs with (money rule 5). Two statements: the posting
 * and all its entries (arrays unnested in one insert).
 */
@ApplicationScoped
public class Ledger {
  private static final String INSERT_POSTING = "insert into postings (id, kind, ref_id) values ($1, $2, $3)";
  private static final String INSERT_ENTRIES =
      """
      insert into entries (posting_id, account_id, currency, amount_minor)
      select $1, a, c, m from unnest($2::uuid[], $3::text[], $4::bigint[]) as e (a, c, m)
      """;

  public Uni<Void> post(SqlConnection tx, Posting posting) {
    List<UUID> accounts = new ArrayList<>();
    List<String> currencies = new ArrayList<>();
    List<Long> amounts = new ArrayList<>();
    for (Entry entry : posting.entries()) {
      accounts.add(entry.accountId());
      currencies.add(entry.currency());
      amounts.add(entry.amountMinor());
    }
    return tx.preparedQuery(INSERT_POSTING)
        .execute(Tuple.of(posting.id(), posting.kind(), posting.refId()))
        .chain(
            () ->
                tx.preparedQuery(INSERT_ENTRIES)
                    .execute(
                        Tuple.of(
                            posting.id(),
                            accounts.toArray(UUID[]::new),
                            currencies.toArray(String[]::new),
                            amounts.toArray(Long[]::new))))
        .replaceWithVoid();
  }
}
