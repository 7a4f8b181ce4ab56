package io.farthing.payments.ledger;

import io.farthing.common.Ids;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A balanced set of entries. Built with {@link #builder}, which drops zero lines and refuses to
 * build a posting whose entries do not sum to zero per currency: the same invariant the database
 * checks at commit (trigger postings_balanced), asserted before anything is sent.
 */
public record Posting(UUID id, String kind, UUID refId, List<Entry> entries) {

  public static Builder builder(String kind, UUID refId) {
    return new Builder(kind, refId);
  }

  public static final class Builder {
    private final String kind;
    private final UUID refId;
    private final List<Entry> entries = new ArrayList<>();

    private Builder(String kind, UUID refId) {
      this.kind = kind;
      this.refId = refId;
    }

    public Builder line(UUID accountId, String currency, long amountMinor) {
      if (amountMinor != 0) {
        entries.add(new Entry(accountId, currency, amountMinor));
      }
      return this;
    }

    /** Moves {@code amountMinor} from one account to another. */
    public Builder move(UUID from, UUID to, String currency, long amountMinor) {
      if (amountMinor < 0) {
        throw new IllegalArgumentException("a move is of a non-negative amount");
      }
      return line(from, currency, -amountMinor).line(to, currency, amountMinor);
    }

    public Posting build() {
      if (entries.size() < 2) {
        throw new IllegalStateException("a posting needs at least two non-zero entries: " + entries);
      }
      Map<String, Long> sums = new HashMap<>();
      for (Entry entry : entries) {
        sums.merge(entry.currency(), entry.amountMinor(), Math::addExact);
      }
      sums.forEach(
          (currency, sum) -> {
            if (sum != 0) {
              throw new IllegalStateException("posting does not sum to zero in " + currency + ": " + entries);
            }
          });
      return new Posting(Ids.newId(), kind, refId, List.copyOf(entries));
    }
  }
}
