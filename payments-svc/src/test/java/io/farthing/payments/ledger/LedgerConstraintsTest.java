package io.farthing.payments.ledger;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.payments.support.Fixtures;
import io.farthing.payments.support.PaymentsTestDatabase;
import io.farthing.testing.TestJwks;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The database refuses what the code must never do: unbalanced postings, edits, negative wallets. */
@QuarkusTest
@QuarkusTestResource(PaymentsTestDatabase.class)
@QuarkusTestResource(TestJwks.class)
class LedgerConstraintsTest {
  @Inject Pool pool;
  @Inject Fixtures fixtures;
  @Inject Accounts accounts;

  @Test
  void anUnbalancedPostingCannotCommit() {
    UUID wallet = fixtures.fund(UUID.randomUUID(), "EUR", 100);
    UUID fees = accounts.platform(AccountKind.PLATFORM_FEES, "EUR").await().indefinitely();
    UUID posting = UUID.randomUUID();

    Throwable e =
        assertThrows(
            Throwable.class,
            () ->
                pool.withTransaction(
                        tx ->
                            tx.preparedQuery("insert into postings (id, kind, ref_id) values ($1, 'TEST', $1)")
                                .execute(Tuple.of(posting))
                                .chain(
                                    () ->
                                        tx.preparedQuery(
                                                "insert into entries (posting_id, account_id, currency, amount_minor)"
                                                    + " values ($1, $2, 'EUR', -10), ($1, $3, 'EUR', 9)")
                                            .execute(Tuple.of(posting, wallet, fees))))
                    .await()
                    .indefinitely());

    assertTrue(e.getMessage().contains("does not sum to zero"), e.getMessage());
    assertTrue(fixtures.longValue("select count(*) from postings where id = $1", posting) == 0);
  }

  @Test
  void entriesCannotBeChangedOrDeleted() {
    UUID wallet = fixtures.fund(UUID.randomUUID(), "EUR", 100);

    Throwable update =
        assertThrows(
            Throwable.class,
            () -> fixtures.update("update entries set amount_minor = 1 where account_id = $1", wallet));
    Throwable delete =
        assertThrows(Throwable.class, () -> fixtures.update("delete from entries where account_id = $1", wallet));

    assertTrue(update.getMessage().contains("append-only"));
    assertTrue(delete.getMessage().contains("append-only"));
  }

  @Test
  void aWalletBalanceCannotGoNegativeEvenByDirectSql() {
    UUID user = UUID.randomUUID();
    fixtures.fund(user, "EUR", 100);

    Throwable e =
        assertThrows(
            Throwable.class,
            () -> fixtures.update("update wallets set balance_minor = balance_minor - 101 where user_id = $1", user));

    assertTrue(e.getMessage().contains("wallet_never_negative"));
  }
}
