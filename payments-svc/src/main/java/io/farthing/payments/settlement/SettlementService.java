package io.farthing.payments.settlement;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.settlement.SettlementRepository.Assigned;
import io.farthing.payments.statement.StatementService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Settlement windows: opened per merchant account, closed once their end has passed (the exact
 * close: {@link SettlementRepository#assign}), paid out through the {@link PayoutGateway}.
 *
 * <p>Money: closing posts the window's net MERCHANT → PAYOUTS_PENDING, and the payout posts
 * PAYOUTS_PENDING → FUNDING (the money leaves the platform), each in the transaction of the
 * window's status change and its outbox event. A net of zero or less posts nothing: the window's
 * entries stay unassigned and the next window takes them (carried forward).
 */
@ApplicationScoped
public class SettlementService {
  private static final Logger LOG = Logger.getLogger(SettlementService.class);
  public static final String NOT_FOUND = "SETTLEMENT_WINDOW_NOT_FOUND";
  public static final String STILL_OPEN = "SETTLEMENT_WINDOW_OPEN";
  public static final String PAYOUT_POSTING = "SETTLEMENT_PAYOUT";
  public static final String PAID_POSTING = "PAYOUT";

  private final Pool pool;
  private final SettlementRepository windows;
  private final Accounts accounts;
  private final Ledger ledger;
  private final Outbox outbox;
  private final PayoutGateway gateway;
  private final SettlementConfig config;
  private final StatementService statements;
  private final MerchantService merchants;

  public SettlementService(
      Pool pool,
      SettlementRepository windows,
      Accounts accounts,
      Ledger ledger,
      Outbox outbox,
      PayoutGateway gateway,
      SettlementConfig config,
      StatementService statements,
      MerchantService merchants) {
    this.statements = statements;
    this.merchants = merchants;
    this.pool = pool;
    this.windows = windows;
    this.accounts = accounts;
    this.ledger = ledger;
    this.outbox = outbox;
    this.gateway = gateway;
    this.config = config;
  }

  /** One scheduler round: open missing windows, close due ones, make due payouts. */
  public Uni<Void> round() {
    return openMissing().chain(this::closeDue).chain(this::payDue).replaceWithVoid();
  }

  /** Opens a window for every merchant account that has none open; how many were opened. */
  public Uni<Integer> openMissing() {
    return windows
        .withoutOpenWindow(config.batch())
        .chain(
            missing ->
                Multi.createFrom()
                    .iterable(missing)
                    .onItem()
                    .transformToUniAndConcatenate(
                        m -> {
                          Instant now = Instant.now();
                          Instant start = m.lastEnd() != null ? m.lastEnd() : align(now);
                          return windows.open(
                              pool, Ids.newId(), m.accountId(), m.partnerClientId(), m.currency(), start,
                              nextEnd(start, now));
                        })
                    .collect()
                    .asList()
                    .map(opened -> (int) opened.stream().filter(Boolean::booleanValue).count()));
  }

  /**
   * The merchant account's OPEN window, opened now when it has none (lazily, as the scheduler
   * would: it starts where the last window ended, or at the current window boundary).
   */
  public Uni<SettlementWindow> openFor(String partner, String currency) {
    return accounts
        .merchant(partner, currency)
        .chain(
            account ->
                windows
                    .openWindowOf(account)
                    .chain(
                        open ->
                            open.isPresent()
                                ? Uni.createFrom().item(open.get())
                                : windows
                                    .lastEnd(account)
                                    .chain(
                                        last -> {
                                          Instant now = Instant.now();
                                          Instant start = last.orElseGet(() -> align(now));
                                          return windows.open(
                                              pool, Ids.newId(), account, partner, currency, start, nextEnd(start, now));
                                        })
                                    .chain(() -> windows.openWindowOf(account))
                                    .map(Optional::orElseThrow)));
  }

  /** Closes every OPEN window whose end has passed (up to the batch); how many this replica closed. */
  public Uni<Integer> closeDue() {
    return windows
        .dueToClose(config.batch())
        .chain(
            ids ->
                Multi.createFrom()
                    .iterable(ids)
                    .onItem()
                    .transformToUniAndConcatenate(
                        id ->
                            close(id, false)
                                .onFailure()
                                .recoverWithItem(
                                    e -> {
                                      LOG.warnf("Closing settlement window %s failed: %s", id, e.getClass().getSimpleName());
                                      return Optional.empty();
                                    }))
                    .collect()
                    .asList()
                    .map(closed -> (int) closed.stream().filter(Optional::isPresent).count()));
  }

  /**
   * Closes the window if it is OPEN and due (or {@code forced}: due now, ending now) and opens the
   * account's next one, all in one transaction with the postings and the settlement.closed event.
   * Empty when it was not this call that closed it (not due, or closed by another replica).
   */
  public Uni<Optional<SettlementWindow>> close(UUID id, boolean forced) {
    return windows
        .find(id)
        .chain(
            found -> {
              if (found.isEmpty() || found.get().status() != WindowStatus.OPEN) {
                return Uni.createFrom().item(Optional.<SettlementWindow>empty());
              }
              String currency = found.get().currency();
              return accounts
                  .platform(AccountKind.PAYOUTS_PENDING, currency)
                  .chain(
                      pending ->
                          pool.withTransaction(
                              tx ->
                                  windows
                                      .close(tx, id, forced)
                                      .chain(
                                          closed ->
                                              closed.isEmpty()
                                                  ? Uni.createFrom().item(Optional.<SettlementWindow>empty())
                                                  : settle(tx, closed.get(), pending).map(Optional::of))));
            });
  }

  private Uni<SettlementWindow> settle(SqlConnection tx, SettlementWindow closed, UUID pending) {
    WindowStatus.OPEN.requireTransition(WindowStatus.CLOSED);
    return windows
        .assign(tx, closed)
        .chain(
            assigned -> {
              long net = assigned.netMinor();
              Uni<SettlementWindow> after;
              if (net > 0) {
                requireAssignedAll(closed, assigned);
                Posting payout =
                    Posting.builder(PAYOUT_POSTING, closed.id())
                        .move(closed.accountId(), pending, closed.currency(), net)
                        .build();
                after =
                    ledger
                        .post(tx, payout)
                        .chain(() -> windows.assignPayoutEntry(tx, payout.id(), closed.accountId(), closed.id()))
                        .chain(() -> windows.recordPayoutOwed(tx, closed.id(), net, assigned.lines(), payout.id()));
              } else {
                WindowStatus.CLOSED.requireTransition(WindowStatus.SETTLED);
                after = windows.settleCarried(tx, closed.id(), net);
              }
              return after
                  .call(
                      window ->
                          windows.open(
                              tx, Ids.newId(), window.accountId(), window.partnerClientId(), window.currency(),
                              window.endsAt(), nextEnd(window.endsAt(), Instant.now())))
                  .call(window -> outbox.append(tx, event(OutboxEvent.SETTLEMENT_CLOSED, window, 0, new JsonObject())));
            });
  }

  /** The net is paid only for exactly the lines it is the sum of: asserted, not assumed. */
  private static void requireAssignedAll(SettlementWindow window, Assigned assigned) {
    if (assigned.lines() != assigned.candidates() || assigned.linesMinor() != assigned.netMinor()) {
      throw new IllegalStateException(
          "settlement window " + window.id() + " assigned " + assigned.lines() + " lines summing to "
              + assigned.linesMinor() + " of " + assigned.candidates() + " summing to " + assigned.netMinor());
    }
  }

  /** Makes every due payout (up to the batch); how many this replica settled. */
  public Uni<Integer> payDue() {
    return windows
        .claimPayouts(config.batch(), config.payoutTimeout().multipliedBy(3))
        .chain(
            due ->
                Multi.createFrom()
                    .iterable(due)
                    .onItem()
                    .transformToUniAndConcatenate(this::pay)
                    .collect()
                    .asList()
                    .map(done -> (int) done.stream().filter(w -> w.status() == WindowStatus.SETTLED).count()));
  }

  /**
   * Asks the gateway to pay a CLOSED window (idempotent by window id), then records the answer: paid
   * → SETTLED with PAYOUTS_PENDING → FUNDING and payout.settled; failed → still CLOSED with the
   * reason and a later retry (payout.failed on the first failure). A window settled meanwhile by
   * another replica is answered as it is, never posted twice.
   */
  public Uni<SettlementWindow> pay(SettlementWindow window) {
    if (window.status() != WindowStatus.CLOSED) {
      return Uni.createFrom().item(window);
    }
    PayoutRequest request =
        new PayoutRequest(window.id().toString(), window.partnerClientId(), window.payoutMinor(), window.currency());
    return gateway
        .payout(request)
        .ifNoItem()
        .after(config.payoutTimeout())
        .recoverWithItem(() -> new PayoutOutcome.Failed("GATEWAY_TIMEOUT"))
        .onFailure()
        .recoverWithItem(e -> new PayoutOutcome.Failed("GATEWAY_UNAVAILABLE"))
        .chain(
            outcome ->
                switch (outcome) {
                  case PayoutOutcome.Paid paid -> paid(window, paid.gatewayReference());
                  case PayoutOutcome.Failed failed -> failed(window, failed.reason());
                });
  }

  private Uni<SettlementWindow> paid(SettlementWindow window, String gatewayReference) {
    WindowStatus.CLOSED.requireTransition(WindowStatus.SETTLED);
    return Uni.combine()
        .all()
        .unis(
            accounts.platform(AccountKind.PAYOUTS_PENDING, window.currency()),
            accounts.platform(AccountKind.FUNDING, window.currency()))
        .asTuple()
        .chain(
            ids -> {
              Posting out =
                  Posting.builder(PAID_POSTING, window.id())
                      .move(ids.getItem1(), ids.getItem2(), window.currency(), window.payoutMinor())
                      .build();
              return pool.withTransaction(
                  tx ->
                      windows
                          .settlePaid(tx, window.id(), gatewayReference, out.id())
                          .chain(
                              settled ->
                                  settled.isEmpty()
                                      ? current(tx, window.id())
                                      : ledger
                                          .post(tx, out)
                                          .chain(
                                              () ->
                                                  outbox.append(
                                                      tx,
                                                      event(
                                                          OutboxEvent.PAYOUT_SETTLED, settled.get(),
                                                          settled.get().payoutAttempts(),
                                                          new JsonObject().put("gatewayReference", gatewayReference))))
                                          .replaceWith(settled.get())));
            });
  }

  private Uni<SettlementWindow> failed(SettlementWindow window, String reason) {
    LOG.warnf("Payout of settlement window %s failed: %s", window.id(), reason);
    return pool.withTransaction(
        tx ->
            windows
                .payoutFailed(tx, window.id(), reason, config.retryInitial(), config.retryMax())
                .chain(
                    after -> {
                      if (after.isEmpty()) {
                        return current(tx, window.id());
                      }
                      SettlementWindow w = after.get();
                      if (w.payoutAttempts() != 1) {
                        return Uni.createFrom().item(w);
                      }
                      return outbox
                          .append(
                              tx,
                              event(
                                  OutboxEvent.PAYOUT_FAILED, w, w.payoutAttempts(),
                                  new JsonObject().put("failureReason", reason)))
                          .replaceWith(w);
                    }));
  }

  private Uni<SettlementWindow> current(SqlConnection tx, UUID id) {
    return windows.find(tx, id).map(found -> found.orElseThrow(() -> notFound()));
  }

  // --- partners ---------------------------------------------------------------------------------

  /** The partner's own window; another partner's is NOT_FOUND, never FORBIDDEN (ids are not disclosed). */
  public Uni<SettlementWindow> get(String partner, UUID id) {
    return windows
        .find(id)
        .map(found -> found.filter(w -> w.partnerClientId().equals(partner)).orElseThrow(SettlementService::notFound));
  }

  /**
   * The partner's window's statement, from its assigned lines. The lines' net is asserted equal to
   * the window's recorded net: a statement that disagrees with the payout is never answered.
   */
  public Uni<WindowStatement> statement(String partner, UUID id) {
    return get(partner, id)
        .chain(
            window ->
                Uni.combine()
                    .all()
                    .unis(merchants.get(partner), statements.settlementWindow(id))
                    .asTuple()
                    .map(
                        t -> {
                          StatementService.Tally tally = t.getItem2();
                          long expected = window.carriedForward() || window.netMinor() == null ? 0 : window.netMinor();
                          if (tally.totals().netMinor() != expected) {
                            throw new IllegalStateException(
                                "settlement window " + id + " lines net " + tally.totals().netMinor() + " but it paid "
                                    + expected);
                          }
                          return new WindowStatement(
                              WindowView.of(window), t.getItem1().name(), tally.totals(), tally.lines());
                        }));
  }

  /** Windows newest first; {@code partner}, {@code currency}, {@code status} optional (an admin sees all). */
  public Uni<List<SettlementWindow>> list(
      String partner, String currency, WindowStatus status, WindowCursor after, int limitPlusOne) {
    return windows.list(
        partner, currency, status, after == null ? null : after.startsAt(), after == null ? null : after.id(),
        limitPlusOne);
  }

  /** Where a page of windows ends: the last window's start and id. */
  public record WindowCursor(Instant startsAt, UUID id) {
    public static WindowCursor of(SettlementWindow w) {
      return new WindowCursor(w.startsAt(), w.id());
    }

    public String encode() {
      return startsAt + "|" + id;
    }

    /** A cursor this service gave, or INVALID_ARGUMENT with {@code reason}. */
    public static WindowCursor parse(String text, String reason) {
      try {
        int bar = text.indexOf('|');
        return new WindowCursor(Instant.parse(text.substring(0, bar)), UUID.fromString(text.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw ApiException.invalid("the page token is not one this service gave", reason);
      }
    }
  }

  // --- operators --------------------------------------------------------------------------------

  public Uni<SettlementWindow> get(UUID id) {
    return windows.find(id).map(found -> found.orElseThrow(SettlementService::notFound));
  }

  /**
   * Closes an OPEN window now (it ends now; the next window starts then). A window that is closed
   * already is answered as it is, so repeating the call is harmless.
   */
  public Uni<SettlementWindow> forceClose(UUID id) {
    return get(id).chain(window -> close(id, true).chain(closed -> closed.isPresent() ? Uni.createFrom().item(closed.get()) : get(id)));
  }

  /**
   * Tries a CLOSED window's payout now. A SETTLED window is answered as it is; an OPEN one has no
   * payout yet (SETTLEMENT_WINDOW_OPEN).
   */
  public Uni<SettlementWindow> retryPayout(UUID id) {
    return get(id)
        .chain(
            window -> {
              if (window.status() == WindowStatus.OPEN) {
                throw ApiException.precondition("The window is still open: it has no payout yet", STILL_OPEN);
              }
              if (window.status() == WindowStatus.SETTLED) {
                return Uni.createFrom().item(window);
              }
              return windows.retryNow(id).chain(claimed -> claimed.isPresent() ? pay(claimed.get()) : get(id));
            });
  }

  // --- helpers ----------------------------------------------------------------------------------

  private OutboxEvent event(String type, SettlementWindow w, long sequence, JsonObject extra) {
    JsonObject data =
        new JsonObject()
            .put("windowId", w.id().toString())
            .put("partnerClientId", w.partnerClientId())
            .put("currency", w.currency())
            .put("startsAt", w.startsAt().toString())
            .put("endsAt", w.endsAt().toString())
            .put("status", w.status().name())
            .put("netMinor", w.netMinor())
            .put("payoutMinor", w.payoutMinor())
            .put("carriedForward", w.carriedForward())
            .put("lineCount", w.lineCount())
            .mergeIn(extra);
    return OutboxEvent.of(type, null, w.partnerClientId(), "settlement:" + w.id(), sequence, data);
  }

  /** The start of the window that holds {@code t}: windows are multiples of their length since the epoch. */
  Instant align(Instant t) {
    long length = lengthMillis();
    return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), length) * length);
  }

  /** A new window starting at {@code start} ends at the first boundary after both it and now. */
  Instant nextEnd(Instant start, Instant now) {
    Instant from = start.isAfter(now) ? start : now;
    return align(from).plusMillis(lengthMillis());
  }

  private long lengthMillis() {
    long millis = config.window().toMillis();
    if (millis < Duration.ofSeconds(1).toMillis()) {
      throw new IllegalStateException("payments.settlement.window must be at least 1s");
    }
    return millis;
  }

  private static ApiException notFound() {
    return ApiException.notFound("No such settlement window", NOT_FOUND);
  }
}
