package io.farthing.payments.statement;

import io.farthing.common.ApiException;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.wallet.Wallet;
import io.farthing.payments.wallet.WalletRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Monthly statements, computed from the ledger when asked, in one read-only snapshot so the
 * opening balance, the movements and the closing balance agree. A user's month is theirs (their
 * time zone at auth-svc); a merchant's is the UTC month.
 *
 * <p>A month's statement is final once the month has ended: entries carry the time their
 * transaction started, and transactions are short, so nothing lands in a month after it ends
 * (bar one in flight at midnight, for the milliseconds it takes to commit).
 */
@ApplicationScoped
public class StatementService {
  public static final String TOO_LARGE = "STATEMENT_TOO_LARGE";
  private static final Pattern MONTH = Pattern.compile("^\\d{4}-(0[1-9]|1[0-2])$");

  private final Pool pool;
  private final StatementRepository ledger;
  private final WalletRepository wallets;
  private final MerchantService merchants;
  private final AuthClient auth;
  private final StatementConfig config;

  public StatementService(
      Pool pool,
      StatementRepository ledger,
      WalletRepository wallets,
      MerchantService merchants,
      AuthClient auth,
      StatementConfig config) {
    this.pool = pool;
    this.ledger = ledger;
    this.wallets = wallets;
    this.merchants = merchants;
    this.auth = auth;
    this.config = config;
  }

  /** A "yyyy-MM" month as callers write it. */
  public static YearMonth month(String value) {
    if (value == null || !MONTH.matcher(value).matches()) {
      throw ApiException.invalid("month must be yyyy-MM, e.g. 2026-03", "INVALID_MONTH");
    }
    try {
      return YearMonth.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid("month must be yyyy-MM, e.g. 2026-03", "INVALID_MONTH");
    }
  }

  public Uni<UserStatement> forUser(UUID userId, YearMonth month, String currency) {
    return auth.user(userId)
        .map(UserStanding::zone)
        .chain(
            zone -> {
              Period period = Period.of(month, zone);
              return pool.withTransaction(
                  tx ->
                      ledger
                          .snapshot(tx)
                          .chain(() -> wallets.find(tx, userId, currency))
                          .chain(
                              wallet ->
                                  wallet.isEmpty()
                                      ? Uni.createFrom().item(Sums.EMPTY)
                                      : sums(tx, wallet.map(Wallet::id).get(), period))
                          .map(sums -> userStatement(userId, month, currency, zone, period, sums)));
            });
  }

  public Uni<MerchantStatement> forMerchant(String partnerClientId, YearMonth month, String currency) {
    Period period = Period.of(month, ZoneOffset.UTC);
    return merchants
        .get(partnerClientId)
        .chain(
            merchant ->
                pool.withTransaction(
                    tx ->
                        ledger
                            .snapshot(tx)
                            .chain(() -> ledger.merchantAccount(tx, partnerClientId, currency))
                            .chain(
                                account ->
                                    account.isEmpty()
                                        ? Uni.createFrom().item(Sums.EMPTY)
                                        : sums(tx, account.get(), period))
                            .map(sums -> merchantStatement(merchant, month, currency, period, sums))));
  }

  /** A month as UTC instants, and whether it is over. */
  record Period(Instant start, Instant end, boolean complete) {
    static Period of(YearMonth month, ZoneId zone) {
      Instant start = month.atDay(1).atStartOfDay(zone).toInstant();
      Instant end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant();
      Instant now = Instant.now();
      if (start.isAfter(now)) {
        throw ApiException.precondition("The month " + month + " has not started yet", "MONTH_NOT_STARTED");
      }
      return new Period(start, end, !end.isAfter(now));
    }
  }

  /** The account's balance before and at the end of the period, and its entries in between. */
  record Sums(long opening, long closing, List<Line> lines) {
    static final Sums EMPTY = new Sums(0, 0, List.of());
  }

  private Uni<Sums> sums(SqlConnection tx, UUID accountId, Period period) {
    int max = config.maxLines();
    return ledger
        .balanceBefore(tx, accountId, period.start())
        .chain(
            opening ->
                ledger
                    .period(tx, accountId, period.start(), period.end(), max + 1)
                    .chain(
                        lines -> {
                          if (lines.size() > max) {
                            return Uni.createFrom()
                                .failure(
                                    ApiException.precondition(
                                        "This month has more than " + max + " movements, more than a statement lists",
                                        TOO_LARGE));
                          }
                          return ledger
                              .balanceBefore(tx, accountId, period.end())
                              .map(closing -> new Sums(opening, closing, lines));
                        }));
  }

  static UserStatement userStatement(
      UUID userId, YearMonth month, String currency, ZoneId zone, Period period, Sums sums) {
    long balance = sums.opening();
    long in = 0;
    long out = 0;
    List<Receipt> movements = new ArrayList<>(sums.lines().size());
    for (Line line : sums.lines()) {
      balance = Math.addExact(balance, line.amountMinor());
      if (line.amountMinor() > 0) {
        in = Math.addExact(in, line.amountMinor());
      } else {
        out = Math.subtractExact(out, line.amountMinor());
      }
      movements.add(Receipt.of(line, balance));
    }
    requireEqual(balance, sums.closing(), "opening balance + movements", "closing balance");
    requireEqual(Math.subtractExact(in, out), Math.subtractExact(sums.closing(), sums.opening()), "net", "change");
    return new UserStatement(
        userId,
        month.toString(),
        currency,
        zone.getId(),
        period.start(),
        period.end(),
        period.complete(),
        sums.opening(),
        sums.closing(),
        new UserStatement.Totals(in, out, in - out, movements.size()),
        movements);
  }

  static MerchantStatement merchantStatement(
      Merchant merchant, YearMonth month, String currency, Period period, Sums sums) {
    Tally tally = tally(sums.opening(), sums.lines());
    requireEqual(tally.closingMinor(), sums.closing(), "opening balance + net", "closing balance");
    return new MerchantStatement(
        merchant.partnerClientId(),
        merchant.name(),
        month.toString(),
        currency,
        "UTC",
        period.start(),
        period.end(),
        period.complete(),
        sums.opening(),
        sums.closing(),
        tally.totals(),
        tally.lines());
  }

  /**
   * A merchant's lines from {@code openingMinor} on: each capture and refund with its fee and net,
   * and the totals, asserted to add up (gross - refunds - fees + other = net).
   */
  public record Tally(MerchantStatement.Totals totals, List<MerchantStatement.ChargeLine> lines, long closingMinor) {}

  static Tally tally(long openingMinor, List<Line> entries) {
    long balance = openingMinor;
    long gross = 0;
    long refunds = 0;
    long fees = 0;
    long other = 0;
    long net = 0;
    long charges = 0;
    long refundCount = 0;
    List<MerchantStatement.ChargeLine> lines = new ArrayList<>(entries.size());
    for (Line line : entries) {
      String type = type(line.postingKind());
      long netMinor = line.amountMinor();
      long feeMinor = "OTHER".equals(type) ? 0 : line.feeMinor();
      long amountMinor = Math.addExact(netMinor, feeMinor);
      balance = Math.addExact(balance, netMinor);
      net = Math.addExact(net, netMinor);
      fees = Math.addExact(fees, feeMinor);
      switch (type) {
        case "CHARGE" -> {
          gross = Math.addExact(gross, amountMinor);
          charges++;
        }
        case "REFUND" -> {
          refunds = Math.subtractExact(refunds, amountMinor);
          refundCount++;
        }
        default -> other = Math.addExact(other, netMinor);
      }
      lines.add(
          new MerchantStatement.ChargeLine(
              type, line.postingKind(), line.createdAt(), line.postingId(), line.chargeId(), line.refundId(),
              amountMinor, feeMinor, netMinor, balance, line.description()));
    }
    requireEqual(gross - refunds - fees + other, net, "gross - refunds - fees + other", "net");
    return new Tally(new MerchantStatement.Totals(gross, refunds, fees, other, net, charges, refundCount), lines, balance);
  }

  /**
   * The lines a settlement window settled (its own payout entry left out), tallied from zero: their
   * net is what the window paid out. More than {@code payments.statements.max-lines}: STATEMENT_TOO_LARGE.
   */
  public Uni<Tally> settlementWindow(UUID windowId) {
    int max = config.maxLines();
    return pool.withTransaction(
        tx ->
            ledger
                .snapshot(tx)
                .chain(() -> ledger.settled(tx, windowId, max + 1))
                .map(
                    lines -> {
                      if (lines.size() > max) {
                        throw ApiException.precondition(
                            "This window has more than " + max + " movements, more than a statement lists", TOO_LARGE);
                      }
                      return tally(0, lines);
                    }));
  }

  /** Captures are charges, refunds are refunds; anything else on a merchant's account is "other". */
  static String type(String postingKind) {
    return switch (postingKind) {
      case "CHARGE_CAPTURE", "HOLD_CAPTURE" -> "CHARGE";
      case "REFUND" -> "REFUND";
      default -> "OTHER";
    };
  }

  /** A statement that does not add up is a broken invariant: fail loudly, never answer it. */
  private static void requireEqual(long actual, long expected, String what, String against) {
    if (actual != expected) {
      throw new IllegalStateException(
          "statement does not add up: " + what + " = " + actual + " but " + against + " = " + expected);
    }
  }
}
