package io.farthing.payments.statement;

import io.farthing.common.ApiException;
import io.farthing.common.Page;
import io.farthing.payments.wallet.Wallet;
import io.farthing.payments.wallet.WalletRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * Receipts: every movement on a user's wallets, newest first, and one movement by its posting id.
 * A user sees only entries on their own wallets; any other posting id is RECEIPT_NOT_FOUND.
 */
@ApplicationScoped
public class ReceiptService {
  public static final String NOT_FOUND = "RECEIPT_NOT_FOUND";

  private final WalletRepository wallets;
  private final StatementRepository ledger;

  public ReceiptService(WalletRepository wallets, StatementRepository ledger) {
    this.wallets = wallets;
    this.ledger = ledger;
  }

  /** One page of the user's receipts, in one currency or all of them ({@code currency} null). */
  public Uni<Page<Receipt>> list(UUID userId, String currency, String cursor, Integer limit) {
    int size = Page.limit(limit);
    long before = before(Page.afterKey(cursor));
    return walletIds(userId, currency)
        .chain(
            ids ->
                ids.length == 0
                    ? Uni.createFrom().item(List.<Line>of())
                    : ledger.receipts(ids, before, size + 1))
        .map(lines -> Page.of(lines, size, line -> Long.toString(line.entryId()), Receipt::of));
  }

  /**
   * The receipt of one posting. A posting touches at most one wallet of a user per currency; if it
   * touched two of theirs (an exchange, not offered yet), {@code currency} picks one, else the first.
   */
  public Uni<Receipt> get(UUID userId, UUID postingId, String currency) {
    return walletIds(userId, currency)
        .chain(ids -> ids.length == 0 ? Uni.createFrom().item(List.<Line>of()) : ledger.receipt(postingId, ids))
        .map(
            lines -> {
              if (lines.isEmpty()) {
                throw ApiException.notFound("No such receipt", NOT_FOUND);
              }
              return Receipt.of(lines.get(0));
            });
  }

  private Uni<UUID[]> walletIds(UUID userId, String currency) {
    return wallets
        .ofUser(userId)
        .map(
            all ->
                all.stream()
                    .filter(w -> currency == null || w.currency().equals(currency))
                    .map(Wallet::id)
                    .toArray(UUID[]::new));
  }

  private static long before(String key) {
    if (key == null) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }
}
