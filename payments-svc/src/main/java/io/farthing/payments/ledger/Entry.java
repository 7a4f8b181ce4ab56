package io.farthing.payments.ledger;

import java.util.UUID;

/** One line of a posting: a signed amount on one account (credit positive, debit negative). */
public record Entry(UUID accountId, String currency, long amountMinor) {
  public Entry {
    if (amountMinor == 0) {
      throw new IllegalArgumentException("an entry moves money; zero entries are dropped, not written");
    }
  }
}
