package io.farthing.payments.tab;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.Charge;
import io.farthing.payments.allowance.AllowancePeriod;
import io.farthing.payments.charge.ChargeMoney;
import io.farthing.payments.charge.ChargeRepository;
import io.farthing.payments.charge.ChargeStatus;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.RiskClient;
import io.farthing.payments.client.RiskDecision;
import io.farthing.payments.client.ScoreRequests;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.GrpcIdempotency;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.StoredOutcome;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.limit.SpendLimits;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.security.UserTokens;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Micro-tabs: open (limits and risk once, for the cap; the cap held wallet → holds), add items
 * (one conditional statement, no ledger rows), settle (ONE posting holds → merchant + fee for
 * what is unsettled, recorded as a SUCCEEDED charge with metadata tab_id), close (settle the
 * rest, release the unused hold). Every change of a tab is made under its row lock and is
 * conditional on it being OPEN, so retries, replicas, and a close racing an add or the janitor
 * each settle exactly once.
 */
@ApplicationScoped
public class TabService {
  public static final String TAB_NOT_FOUND = "TAB_NOT_FOUND";
  public static final String TAB_CAP_EXCEEDED = "TAB_CAP_EXCEEDED";
  public static final String TAB_KIND_MISMATCH = "TAB_KIND_MISMATCH";
  public static final String STEP_UP_REQUIRED = "STEP_UP_REQUIRED";
  public static final String OP_OPEN = "OpenTab";
  public static final String OP_ADD = "AddTabItem";
  public static final String OP_CLOSE = "CloseTab";
  /** Posting kinds: the cap held at open, and the unused hold given back at close. */
  static final String TAB_HOLD = "TAB_HOLD";
  static final String TAB_RELEASE = "TAB_RELEASE";
  /** A settlement's posting is a capture of held money, as statements already know it. */
  static final String TAB_SETTLE = "HOLD_CAPTURE";
  public static final String TAB_ID_METADATA = "tab_id";

  /** A new tab as the partner asked for it; null threshold / time limit: the defaults. */
  public record NewTab(
      String idempotencyKey,
      byte[] requestHash,
      String userAccessToken,
      UUID userId,
      long capMinor,
      String currency,
      Long thresholdMinor,
      Duration timeLimit,
      String description,
      String deviceId,
      Tab.Kind kind) {}

  public record NewItem(
      String idempotencyKey, byte[] requestHash, UUID tabId, long amountMinor, String currency, String description) {}

  /** What a finished close answers, and how its key is completed, in the close's transaction. */
  private interface Finish<T> {
    Uni<T> complete(SqlConnection tx, Tab tab, List<Tab.Item> items);
  }

  private record SettleAccounts(UUID merchant, UUID fees, UUID holds) {}

  /** A settled tab and the charge that records its settlement. */
  private record Settlement(Tab tab, UUID chargeId) {}

  private final Pool pool;
  private final TabRepository tabs;
  private final ChargeRepository charges;
  private final ChargeMoney money;
  private final Accounts accounts;
  private final Ledger ledger;
  private final Limits limits;
  private final Outbox outbox;
  private final MerchantService merchants;
  private final AuthClient auth;
  private final RiskClient risk;
  private final UserTokens userTokens;
  private final IdempotencyKeys keys;
  private final GrpcIdempotency idempotent;
  private final RestIdempotency rest;
  private final TabsConfig config;
  private final MeterRegistry meters;

  public TabService(
      Pool pool, TabRepository tabs, ChargeRepository charges, ChargeMoney money, Accounts accounts,
      Ledger ledger, Limits limits, Outbox outbox, MerchantService merchants, AuthClient auth, RiskClient risk,
      UserTokens userTokens, IdempotencyKeys keys, GrpcIdempotency idempotent, RestIdempotency rest,
      TabsConfig config, MeterRegistry meters) {
    this.pool = pool;
    this.tabs = tabs;
    this.charges = charges;
    this.money = money;
    this.accounts = accounts;
    this.ledger = ledger;
    this.limits = limits;
    this.outbox = outbox;
    this.merchants = merchants;
    this.auth = auth;
    this.risk = risk;
    this.userTokens = userTokens;
    this.keys = keys;
    this.idempotent = idempotent;
    this.rest = rest;
    this.config = config;
    this.meters = meters;
  }

  // ------------------------------------------------------------------------------------------
  // Open
  // ------------------------------------------------------------------------------------------

  /** With the user's access token (present: no consent needed) or by user id under consent. */
  public Uni<io.farthing.proto.payments.v1.Tab> open(String partner, NewTab request) {
    long threshold = threshold(request.kind(), request.capMinor(), request.thresholdMinor());
    Duration timeLimit = timeLimit(request.timeLimit());
    boolean present = request.userAccessToken() != null;
    Uni<UUID> payer =
        present ? userTokens.userOf(request.userAccessToken()) : Uni.createFrom().item(request.userId());
    return payer.chain(
        user ->
            idempotent.run(
                partner,
                request.idempotencyKey(),
                OP_OPEN,
                IdempotencyKeys.hash(OP_OPEN, request.requestHash(), bytes(user.toString()), bytes(partner)),
                io.farthing.proto.payments.v1.Tab::parseFrom,
                claim -> openClaimed(partner, request, user, present, threshold, timeLimit, claim)));
  }

  private Uni<io.farthing.proto.payments.v1.Tab> openClaimed(
      String partner, NewTab request, UUID user, boolean present, long threshold, Duration timeLimit,
      Claim.Fresh claim) {
    Instant now = now();
    Uni<Merchant> merchant = merchants.requireChargeable(partner, request.currency());
    Uni<UserStanding> standing = auth.user(user);
    Uni<AuthClient.ConsentAnswer> consent =
        present
            ? Uni.createFrom().item(new AuthClient.ConsentAnswer(true, null, null))
            : auth.checkConsent(user, partner, request.capMinor(), request.currency());
    Uni<SpendLimits> limitsNow = limits.of(pool, user, request.currency());
    return Uni.combine()
        .all()
        .unis(merchant, standing, consent, limitsNow)
        .asTuple()
        .chain(
            t -> {
              UserStanding payer = t.getItem2();
              AuthClient.ConsentAnswer answer = t.getItem3();
              if (!payer.active()) {
                throw ApiException.forbidden("The user's account is not active", "USER_NOT_ACTIVE");
              }
              if (!answer.allowed()) {
                throw ApiException.forbidden("The user has not allowed this partner to charge this", answer.reason());
              }
              Tab draft =
                  new Tab(
                      Ids.newId(), partner, user, null, request.currency(), request.capMinor(), 0, 0, threshold, 0,
                      TabStatus.OPEN, null, request.description(), request.deviceId(), answer.consentId(), null,
                      now.plus(timeLimit), null, 0, now, request.kind(), Tab.Usage.NONE);
              return risk.score(scoreRequest(draft, t.getItem1(), payer, t.getItem4().kycTier()))
                  .chain(decision -> decide(claim, draft, payer, decision, answer.allowance()));
            });
  }

  /** Risk's verdict applied; inside an allowance as for a charge: no step-up, DENY still refuses. */
  private Uni<io.farthing.proto.payments.v1.Tab> decide(
      Claim.Fresh claim, Tab draft, UserStanding payer, RiskDecision decision, AllowancePeriod allowance) {
    meters.counter("farthing.payments.tabs.decisions", "verdict", decision.verdict().name()).increment();
    if (decision.verdict() == RiskDecision.Verdict.DENY) {
      throw ApiException.forbidden("This tab was declined by risk checks", "RISK_DENIED");
    }
    if (allowance == null
        && (decision.verdict() == RiskDecision.Verdict.CHALLENGE
            || payer.requiresStepUp(draft.capMinor(), draft.currency()))) {
      throw ApiException.precondition(
          "This tab would need the user's confirmation: open a smaller tab or charge singly", STEP_UP_REQUIRED);
    }
    Tab scored = withDecision(draft, decision.decisionId());
    return hold(claim, scored, payer.zone(), allowance);
  }

  /**
   * The open's one transaction: the cap counted against the allowance (if any) and the limits,
   * the wallet debited and the cap held ({@link ChargeMoney#hold}, as a charge's authorization),
   * then the tab, its event and the key.
   */
  private Uni<io.farthing.proto.payments.v1.Tab> hold(
      Claim.Fresh claim, Tab draft, ZoneId zone, AllowancePeriod allowance) {
    return accounts
        .platform(AccountKind.HOLDS, draft.currency())
        .chain(
            holds ->
                pool.withTransaction(
                    tx ->
                        money
                            .hold(
                                tx, draft.userId(), draft.partnerClientId(), draft.currency(), draft.capMinor(),
                                draft.id(), TAB_HOLD, holds, zone, draft.createdAt(), allowance)
                            .chain(
                                debit -> {
                                  Tab open = withWallet(draft, debit.walletId());
                                  return tabs.insert(tx, open)
                                      .chain(() -> event(tx, open, OutboxEvent.TAB_OPENED, new JsonObject()))
                                      .chain(() -> completeWith(tx, claim, open, List.of()));
                                })));
  }

  // ------------------------------------------------------------------------------------------
  // Items
  // ------------------------------------------------------------------------------------------

  /** One conditional statement and an item row; a settlement too when the threshold is reached. */
  public Uni<io.farthing.proto.payments.v1.TabItem> add(String partner, NewItem request) {
    return idempotent.run(
        partner,
        request.idempotencyKey(),
        OP_ADD,
        IdempotencyKeys.hash(OP_ADD, request.requestHash(), bytes(partner)),
        io.farthing.proto.payments.v1.TabItem::parseFrom,
        claim ->
            merchants
                .cached(partner)
                .chain(
                    merchant ->
                        pool.withTransaction(
                            tx ->
                                tabs.add(tx, request.tabId(), partner, request.currency(), request.amountMinor())
                                    .chain(
                                        added ->
                                            added.isEmpty()
                                                ? whyRefused(tx, partner, request)
                                                : addItem(tx, claim, added.get(), request, merchant)))));
  }

  private Uni<io.farthing.proto.payments.v1.TabItem> addItem(
      SqlConnection tx, Claim.Fresh claim, Tab tab, NewItem request, Optional<Merchant> merchant) {
    Tab.Item item =
        new Tab.Item(
            Ids.newId(), tab.id(), request.amountMinor(), request.description(), tab.totalMinor(), null, now());
    Uni<Tab.Item> after = tabs.insertItem(tx, item).replaceWith(item);
    if (tab.unsettledMinor() >= tab.thresholdMinor()) {
      after = after.chain(() -> settle(tx, tab, merchant)).map(settled -> settledBy(item, settled.chargeId()));
    }
    return after.chain(
        stored -> {
          var message = TabMessages.item(stored, tab.currency());
          return keys.complete(tx, claim, StoredOutcome.success(item.id(), message.toByteArray())).replaceWith(message);
        });
  }

  /** Why the conditional add changed nothing, read in the same transaction. */
  private Uni<io.farthing.proto.payments.v1.TabItem> whyRefused(SqlConnection tx, String partner, NewItem request) {
    return tabs.find(tx, request.tabId())
        .map(
            found -> {
              Tab tab = found.filter(t -> t.partnerClientId().equals(partner)).orElseThrow(TabService::notFound);
              requireKind(tab, Tab.Kind.ITEMS);
              if (!tab.currency().equals(request.currency())) {
                throw ApiException.invalid("amount.currency must be the tab's currency", "CURRENCY_MISMATCH");
              }
              tab.status().requireTransition(TabStatus.OPEN);
              throw ApiException.precondition(
                  "The item would take the tab to more than its cap of " + tab.capMinor(), TAB_CAP_EXCEEDED);
            });
  }

  // ------------------------------------------------------------------------------------------
  // Settle and close
  // ------------------------------------------------------------------------------------------

  /**
   * ONE posting for everything unsettled on {@code tab} (read under its row lock): holds →
   * merchant + fee per the merchant's plan on the settled sum, recorded as a SUCCEEDED charge.
   */
  private Uni<Settlement> settle(SqlConnection tx, Tab tab, Optional<Merchant> merchant) {
    long amount = tab.unsettledMinor();
    long fee = merchant.flatMap(m -> m.plan(tab.currency())).map(p -> p.feeFor(amount)).orElse(0L);
    Instant now = now();
    Charge settlement =
        new Charge(
            Ids.newId(), tab.partnerClientId(), tab.userId(), tab.walletId(), tab.currency(), amount, 0, amount, 0, fee,
            0, ChargeStatus.SUCCEEDED, false, tab.description(), Map.of(TAB_ID_METADATA, tab.id().toString()),
            tab.deviceId(), tab.consentId(), tab.decisionId(), null, null, null, 0, now, now);
    Tab settled =
        new Tab(
            tab.id(), tab.partnerClientId(), tab.userId(), tab.walletId(), tab.currency(), tab.capMinor(),
            tab.totalMinor(), tab.totalMinor(), tab.thresholdMinor(), tab.settlementCount() + 1, tab.status(), null,
            tab.description(), tab.deviceId(), tab.consentId(), tab.decisionId(), tab.expiresAt(), null,
            tab.version() + 1, tab.createdAt(), tab.kind(), tab.usage());
    return settleAccounts(tx, tab)
        .chain(
            to ->
                charges
                    .insert(tx, settlement)
                    .chain(
                        () ->
                            ledger.post(
                                tx,
                                Posting.builder(TAB_SETTLE, settlement.id())
                                    .line(to.holds(), tab.currency(), -amount)
                                    .line(to.merchant(), tab.currency(), amount - fee)
                                    .line(to.fees(), tab.currency(), fee)
                                    .build())))
        .chain(() -> tabs.settle(tx, tab, settlement.id()))
        .chain(
            () ->
                event(
                    tx,
                    settled,
                    OutboxEvent.TAB_SETTLED,
                    new JsonObject()
                        .put("chargeId", settlement.id().toString())
                        .put("amountMinor", amount)
                        .put("feeMinor", fee)))
        .invoke(() -> meters.counter("farthing.payments.tabs.settlements").increment())
        .replaceWith(new Settlement(settled, settlement.id()));
  }

  /** Settles the rest, gives the unused hold back to the wallet, closes. {@code tab} is row-locked. */
  private Uni<Tab> close(SqlConnection tx, Tab tab, TabStatus.CloseReason reason, Optional<Merchant> merchant) {
    tab.status().requireTransition(TabStatus.CLOSED);
    Uni<Tab> settled =
        tab.unsettledMinor() > 0 ? settle(tx, tab, merchant).map(Settlement::tab) : Uni.createFrom().item(tab);
    return settled.chain(
        t -> {
          long release = t.capMinor() - t.settledMinor();
          Instant now = now();
          Tab closed =
              new Tab(
                  t.id(), t.partnerClientId(), t.userId(), t.walletId(), t.currency(), t.capMinor(), t.totalMinor(),
                  t.settledMinor(), t.thresholdMinor(), t.settlementCount(), TabStatus.CLOSED, reason, t.description(),
                  t.deviceId(), t.consentId(), t.decisionId(), t.expiresAt(), now, t.version() + 1, t.createdAt(),
                  t.kind(), t.usage());
          return releaseHold(tx, t, release)
              .chain(() -> tabs.close(tx, t.id(), reason, now))
              .chain(() -> event(tx, closed, OutboxEvent.TAB_CLOSED, new JsonObject().put("releasedMinor", release)))
              .invoke(() -> meters.counter("farthing.payments.tabs.closed", "reason", reason.name()).increment())
              .replaceWith(closed);
        });
  }

  private Uni<Void> releaseHold(SqlConnection tx, Tab tab, long releaseMinor) {
    return accounts
        .account(tx, AccountKind.HOLDS, AccountKind.PLATFORM, tab.currency())
        .chain(
            holds ->
                money.release(
                    tx, tab.id(), TAB_RELEASE, holds, tab.walletId(), tab.currency(), releaseMinor, tab.consentId()));
  }


  /** The partner closes its tab (gRPC CloseTab); closing a closed tab answers it as it is. */
  public Uni<io.farthing.proto.payments.v1.Tab> closeByPartner(String partner, String idempotencyKey, UUID tabId) {
    return idempotent.run(
        partner,
        idempotencyKey,
        OP_CLOSE,
        IdempotencyKeys.hash(OP_CLOSE, bytes(tabId.toString()), bytes(partner)),
        io.farthing.proto.payments.v1.Tab::parseFrom,
        claim ->
            closing(
                tabId, t -> t.partnerClientId().equals(partner), TabStatus.CloseReason.PARTNER,
                (tx, tab, items) -> completeWith(tx, claim, tab, items)));
  }

  /** The user closes their own tab (REST POST /v1/tabs/{id}/close, Idempotency-Key). */
  public Uni<RestIdempotency.Reply> closeByUser(UUID userId, String idempotencyKey, UUID tabId) {
    return rest.run(
        RestIdempotency.userCaller(userId),
        idempotencyKey,
        OP_CLOSE,
        IdempotencyKeys.hash(OP_CLOSE, bytes(tabId.toString()), bytes(userId.toString())),
        claim ->
            closing(
                tabId,
                t -> t.userId().equals(userId),
                TabStatus.CloseReason.USER,
                (tx, tab, items) -> {
                  RestIdempotency.Reply reply = rest.reply(200, null, TabView.of(tab, items));
                  return keys.complete(tx, claim, rest.stored(tab.id(), reply)).replaceWith(reply);
                }));
  }

  private <T> Uni<T> closing(UUID tabId, Predicate<Tab> owner, TabStatus.CloseReason reason, Finish<T> finish) {
    return owned(tabId, owner)
        .chain(found -> merchants.cached(found.partnerClientId()))
        .chain(
            merchant ->
                pool.withTransaction(
                    tx ->
                        tabs.lock(tx, tabId)
                            .map(found -> found.orElseThrow(TabService::notFound))
                            .chain(
                                tab ->
                                    tab.status() == TabStatus.CLOSED
                                        ? Uni.createFrom().item(tab)
                                        : close(tx, tab, reason, merchant))
                            .chain(
                                closed ->
                                    itemsOf(tx, closed).chain(items -> finish.complete(tx, closed, items)))));
  }

  /**
   * Closes the partner's metered tab because its stream ended ({@link TabMeter}); one already
   * closed is answered as it is. Under the tab's row lock like every close, so a stream's end
   * racing a CloseTab, the user or the janitor closes it once.
   */
  Uni<Tab> closeForStream(String partner, UUID tabId, TabStatus.CloseReason reason) {
    return closing(
        tabId, t -> t.partnerClientId().equals(partner), reason, (tx, tab, items) -> Uni.createFrom().item(tab));
  }

  /**
   * Settles and closes one tab past its time limit (or metered and idle). Safe on every replica at once: a tab another
   * transaction holds is skipped (SKIP LOCKED), and one already closed is left alone.
   */
  public Uni<Boolean> closeIfDue(UUID tabId) {
    return tabs.find(tabId)
        .chain(
            found ->
                found.isEmpty()
                    ? Uni.createFrom().item(Optional.<Merchant>empty())
                    : merchants.cached(found.get().partnerClientId()))
        .chain(
            merchant ->
                pool.withTransaction(
                    tx ->
                        tabs.lockUnlessBusy(tx, tabId)
                            .chain(
                                found -> {
                                  Optional<TabStatus.CloseReason> due =
                                      found.flatMap(tab -> dueReason(tab, Instant.now()));
                                  return due.isEmpty()
                                      ? Uni.createFrom().item(false)
                                      : close(tx, found.get(), due.get(), merchant).replaceWith(true);
                                })));
  }

  /** Why the janitor closes {@code tab} now, if it does: its time limit, or (metered) no usage. */
  private Optional<TabStatus.CloseReason> dueReason(Tab tab, Instant now) {
    if (tab.status() != TabStatus.OPEN) {
      return Optional.empty();
    }
    if (!tab.expiresAt().isAfter(now)) {
      return Optional.of(TabStatus.CloseReason.TIME_LIMIT);
    }
    Instant lastUsage = tab.usage().lastAt() == null ? tab.createdAt() : tab.usage().lastAt();
    if (tab.kind() == Tab.Kind.METERED && !lastUsage.plus(config.meterIdleTimeout()).isAfter(now)) {
      return Optional.of(TabStatus.CloseReason.IDLE);
    }
    return Optional.empty();
  }

  /**
   * One janitor pass: closes up to {@code batch} tabs past their time limit or (metered) idle
   * for payments.tabs.meter-idle-timeout; returns how many.
   */
  public Uni<Integer> closeDue(int batch) {
    return tabs.due(batch, config.meterIdleTimeout())
        .chain(
            ids -> {
              Uni<Integer> chain = Uni.createFrom().item(0);
              for (UUID id : ids) {
                chain = chain.chain(n -> closeIfDue(id).map(closed -> n + (closed ? 1 : 0)));
              }
              return chain;
            });
  }

  // ------------------------------------------------------------------------------------------
  // Reads
  // ------------------------------------------------------------------------------------------

  public Uni<io.farthing.proto.payments.v1.Tab> get(String partner, UUID tabId) {
    return withItems(tabId, t -> t.partnerClientId().equals(partner))
        .map(shown -> TabMessages.tab(shown.tab(), shown.items()));
  }

  /** A tab and its newest items. */
  public record Shown(Tab tab, List<Tab.Item> items) {}

  /** The user's own tab; another user's is TAB_NOT_FOUND. */
  public Uni<Shown> getForUser(UUID userId, UUID tabId) {
    return withItems(tabId, t -> t.userId().equals(userId));
  }

  public Uni<List<Tab>> listForUser(UUID userId) {
    return tabs.ofUser(userId, config.maxTabsListed());
  }

  private Uni<Shown> withItems(UUID tabId, Predicate<Tab> owner) {
    return owned(tabId, owner)
        .chain(tab -> itemsOf(pool, tab).map(items -> new Shown(tab, items)));
  }

  /** The tab's newest items; a metered tab has none, so none is read. */
  private Uni<List<Tab.Item>> itemsOf(SqlClient client, Tab tab) {
    return tab.kind() == Tab.Kind.METERED
        ? Uni.createFrom().item(List.of())
        : tabs.items(client, tab.id(), config.maxItemsShown());
  }

  private Uni<Tab> owned(UUID tabId, Predicate<Tab> owner) {
    return tabs.find(tabId).map(found -> found.filter(owner).orElseThrow(TabService::notFound));
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  /**
   * The threshold asked for, or the default share of the cap; within [min, cap]. A metered tab
   * settles once, at close: its threshold is its cap, and it takes none.
   */
  long threshold(Tab.Kind kind, long capMinor, Long askedMinor) {
    if (kind == Tab.Kind.METERED) {
      if (askedMinor != null) {
        throw ApiException.invalid(
            "settle_threshold_minor is not used by a metered tab: it settles once, at close", "INVALID_THRESHOLD");
      }
      return capMinor;
    }
    if (askedMinor == null) {
      int bps = config.defaultThresholdBps();
      // cap × bps / 10 000 without forming the product (exact for every int64 cap)
      long share = capMinor / 10_000 * bps + capMinor % 10_000 * bps / 10_000;
      return Math.min(capMinor, Math.max(share, Math.max(1, config.minThresholdMinor())));
    }
    if (askedMinor < config.minThresholdMinor() || askedMinor < 1 || askedMinor > capMinor) {
      throw ApiException.invalid(
          "settle_threshold_minor must be between " + config.minThresholdMinor() + " and the cap", "INVALID_THRESHOLD");
    }
    return askedMinor;
  }

  Duration timeLimit(Duration asked) {
    if (asked == null) {
      return config.defaultTimeLimit();
    }
    if (asked.compareTo(config.minTimeLimit()) < 0 || asked.compareTo(config.maxTimeLimit()) > 0) {
      throw ApiException.invalid(
          "time_limit_seconds must be between " + config.minTimeLimit().toSeconds() + " and "
              + config.maxTimeLimit().toSeconds(),
          "INVALID_TIME_LIMIT");
    }
    return asked;
  }

  private Uni<SettleAccounts> settleAccounts(SqlConnection tx, Tab tab) {
    // Through tx (cached after the first use): a transaction holding the tab's row lock must not
    // wait for a second connection from the pool.
    return Uni.combine()
        .all()
        .unis(
            accounts.account(tx, AccountKind.MERCHANT, tab.partnerClientId(), tab.currency()),
            accounts.account(tx, AccountKind.PLATFORM_FEES, AccountKind.PLATFORM, tab.currency()),
            accounts.account(tx, AccountKind.HOLDS, AccountKind.PLATFORM, tab.currency()))
        .with(SettleAccounts::new);
  }

  private Uni<io.farthing.proto.payments.v1.Tab> completeWith(
      SqlConnection tx, Claim.Fresh claim, Tab tab, List<Tab.Item> items) {
    var message = TabMessages.tab(tab, items);
    return keys.complete(tx, claim, StoredOutcome.success(tab.id(), message.toByteArray())).replaceWith(message);
  }

  private Uni<Void> event(SqlConnection tx, Tab tab, String type, JsonObject extra) {
    return merchants
        .displayName(tx, tab.partnerClientId())
        .chain(
            name ->
                outbox.append(
                    tx,
                    OutboxEvent.of(
                        type, tab.userId(), tab.partnerClientId(), "tab:" + tab.id(), tab.version(),
                        TabMessages.event(tab, name.orElse(null)).mergeIn(extra))));
  }

  private static ScoreRequest scoreRequest(Tab tab, Merchant merchant, UserStanding user, int kycTier) {
    return ScoreRequests.inApp(
        tab.id(), tab.userId(), merchant, tab.capMinor(), tab.currency(), user, kycTier, tab.deviceId());
  }

  /** A call meant for the other kind of tab is refused: items and metered usage do not mix. */
  static void requireKind(Tab tab, Tab.Kind kind) {
    if (tab.kind() != kind) {
      throw ApiException.precondition(
          kind == Tab.Kind.ITEMS
              ? "This is a metered tab: send its usage with MeterUsage"
              : "This tab takes items with AddTabItem, not metered usage",
          TAB_KIND_MISMATCH);
    }
  }

  static ApiException notFound() {
    return ApiException.notFound("No such tab", TAB_NOT_FOUND);
  }

  private static Tab.Item settledBy(Tab.Item item, UUID chargeId) {
    return new Tab.Item(
        item.id(), item.tabId(), item.amountMinor(), item.description(), item.totalAfterMinor(), chargeId,
        item.createdAt());
  }

  private static Tab withWallet(Tab t, UUID walletId) {
    return new Tab(
        t.id(), t.partnerClientId(), t.userId(), walletId, t.currency(), t.capMinor(), t.totalMinor(),
        t.settledMinor(), t.thresholdMinor(), t.settlementCount(), t.status(), t.closeReason(), t.description(),
        t.deviceId(), t.consentId(), t.decisionId(), t.expiresAt(), t.closedAt(), t.version(), t.createdAt(), t.kind(),
        t.usage());
  }

  private static Tab withDecision(Tab t, String decisionId) {
    return new Tab(
        t.id(), t.partnerClientId(), t.userId(), t.walletId(), t.currency(), t.capMinor(), t.totalMinor(),
        t.settledMinor(), t.thresholdMinor(), t.settlementCount(), t.status(), t.closeReason(), t.description(),
        t.deviceId(), t.consentId(), decisionId == null || decisionId.isEmpty() ? null : decisionId, t.expiresAt(),
        t.closedAt(), t.version(), t.createdAt(), t.kind(), t.usage());
  }

  /** What is stored is what is answered: PostgreSQL keeps microseconds. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
