package io.farthing.payments.statement;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Statements as CSV (RFC 4180, header row). The first line after the header is the opening
 * balance, the last the closing balance ({@code line_type} OPENING_BALANCE / CLOSING_BALANCE, the
 * balance in {@code balance_after_minor}); every MOVEMENT line between carries its signed amount,
 * so opening + the {@code amount_minor} column (a user's) or the {@code net_minor} column (a
 * merchant's) = closing. Times are UTC instants (ISO-8601).
 */
public final class StatementCsv {
  static final String[] USER_HEADER = {
    "line_type", "posted_at", "posting_id", "kind", "amount_minor", "fee_minor", "balance_after_minor", "currency",
    "counterparty_type", "counterparty_id", "counterparty_name", "charge_id", "refund_id", "description"
  };
  static final String[] MERCHANT_HEADER = {
    "line_type", "posted_at", "posting_id", "type", "kind", "charge_id", "refund_id", "amount_minor", "fee_minor",
    "net_minor", "balance_after_minor", "currency", "description"
  };

  private StatementCsv() {}

  public static String user(UserStatement s) {
    StringBuilder out = new StringBuilder();
    Csv.row(out, Arrays.asList((Object[]) USER_HEADER));
    Csv.row(
        out,
        Arrays.asList(
            "OPENING_BALANCE", s.periodStart(), null, null, null, null, s.openingBalanceMinor(), s.currency(), null,
            null, null, null, null, null));
    for (Receipt r : s.movements()) {
      Receipt.Counterparty cp = r.counterparty();
      Csv.row(
          out,
          Arrays.asList(
              "MOVEMENT", r.createdAt(), r.postingId(), r.kind(), r.amountMinor(), r.feeMinor(), r.balanceAfterMinor(),
              r.currency(), cp == null ? null : cp.type(), cp == null ? null : Csv.text(cp.id()),
              cp == null ? null : Csv.text(cp.name()), r.chargeId(), r.refundId(), Csv.text(r.description())));
    }
    Csv.row(
        out,
        Arrays.asList(
            "CLOSING_BALANCE", s.complete() ? s.periodEnd() : null, null, null, null, null, s.closingBalanceMinor(),
            s.currency(), null, null, null, null, null, null));
    return out.toString();
  }

  public static String merchant(MerchantStatement s) {
    return merchantLines(
        s.currency(), s.periodStart(), s.complete() ? s.periodEnd() : null, s.openingBalanceMinor(), s.lines(),
        s.closingBalanceMinor());
  }

  /**
   * A merchant's lines between an opening and a closing balance (a month's statement, or a
   * settlement window's from zero to its net); {@code closedAt} null while the period is not over.
   */
  public static String merchantLines(
      String currency, Instant openedAt, Instant closedAt, long openingMinor, List<MerchantStatement.ChargeLine> lines,
      long closingMinor) {
    StringBuilder out = new StringBuilder();
    Csv.row(out, Arrays.asList((Object[]) MERCHANT_HEADER));
    Csv.row(
        out,
        Arrays.asList(
            "OPENING_BALANCE", openedAt, null, null, null, null, null, null, null, null, openingMinor, currency, null));
    for (MerchantStatement.ChargeLine l : lines) {
      Csv.row(
          out,
          Arrays.asList(
              "MOVEMENT", l.postedAt(), l.postingId(), l.type(), l.kind(), l.chargeId(), l.refundId(), l.amountMinor(),
              l.feeMinor(), l.netMinor(), l.balanceAfterMinor(), currency, Csv.text(l.description())));
    }
    Csv.row(
        out,
        Arrays.asList(
            "CLOSING_BALANCE", closedAt, null, null, null, null, null, null, null, null, closingMinor, currency, null));
    return out.toString();
  }
}
