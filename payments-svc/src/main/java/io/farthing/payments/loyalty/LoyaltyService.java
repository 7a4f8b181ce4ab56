package io.farthing.payments.loyalty;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.loyalty.LoyaltyRepository.Queued;
import io.farthing.payments.loyalty.LoyaltyRepository.Spend;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.wallet.WalletRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Loyalty points: earned on spending, held in the ledger as what the platform owes each user,
 * redeemed as wallet credit.
 *
 * <p><b>Earning, off the hot path.</b> A charge's money transaction does nothing for loyalty
 * itself: triggers on {@code charges} queue every change of a charge's spend (captured − refunded)
 * in that same transaction, whatever code path made it, so a crash loses neither. {@link #award}
 * drains the queue: per user and currency, under that user's balance row lock, it compares each
 * charge's spend with what was counted of it, turns the difference into points at the rate the
 * charge was first counted at (a refund takes back what its charge earned) and posts the net as
 * one posting LOYALTY_FUNDING → LOYALTY. Counting against what was already counted makes a pass
 * idempotent, so a queue row seen twice, or two replicas' passes, credit each point once.
 *
 * <p><b>Redeeming</b> is one conditional statement on the balance row (never below zero), the
 * wallet credited within its KYC maximum, the posting LOYALTY → USER_WALLET, the redemption and
 * its {@code loyalty.redeemed} event, all in one transaction under the request's idempotency key.
 */
@ApplicationScoped
public class LoyaltyService {
  public static final String OP_REDEEM = "RedeemPoints";
  public static final String REDEMPTION_NOT_FOUND = "REDEMPTION_NOT_FOUND";
  public static final String INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS";
  public static final String BELOW_MINIMUM_REDEMPTION = "BELOW_MINIMUM_REDEMPTION";
  public static final String WALLET_LIMIT_EXCEEDED = "WALLET_LIMIT_EXCEEDED";
  static final String AWARD_POSTING = "LOYALTY_AWARD";
  static final String REDEMPTION_POSTING = "LOYALTY_REDEMPTION";

  private final Pool pool;
  private final LoyaltyRepository repository;
  private final Accounts accounts;
  private final Ledger ledger;
  private final WalletRepository wallets;
  private final Limits limits;
  private final Outbox outbox;
  private final RestIdempotency idempotency;
  private final IdempotencyKeys keys;
  private final LoyaltyConfig config;
  private final MeterRegistry meters;

  public LoyaltyService(
      Pool pool,
      LoyaltyRepository repository,
      Accounts accounts,
      Ledger ledger,
      WalletRepository wallets,
      Limits limits,
      Outbox outbox,
      RestIdempotency idempotency,
      IdempotencyKeys keys,
      LoyaltyConfig config,
      MeterRegistry meters) {
    this.pool = pool;
    this.repository = repository;
    this.accounts = accounts;
    this.ledger = ledger;
    this.wallets = wallets;
    this.limits = limits;
    this.outbox = outbox;
    this.idempotency = idempotency;
    this.keys = keys;
    this.config = config;
    this.meters = meters;
  }

  /** The rate a charge counted for the first time earns at: 0 while the programme is off. */
  int rateNow() {
    return config.enabled() ? config.earnBps() : 0;
  }

  // ------------------------------------------------------------------------------------------
  // Earning
  // ------------------------------------------------------------------------------------------

  /** One awarder pass over at most {@code batch} queued changes; the number of queue rows done. */
  public Uni<Integer> award(int batch) {
    int rate = rateNow();
    return pool.withTransaction(
        tx ->
            repository
                .take(tx, batch)
                .chain(
                    queued -> {
                      if (queued.isEmpty()) {
                        return Uni.createFrom().item(0);
                      }
                      // Users in a fixed order, so two passes never wait on each other's locks in a circle.
                      Map<String, List<Queued>> byOwner = new TreeMap<>();
                      for (Queued q : queued) {
                        byOwner.computeIfAbsent(q.userId() + "|" + q.currency(), k -> new ArrayList<>()).add(q);
                      }
                      Uni<Void> all = Uni.createFrom().voidItem();
                      for (List<Queued> group : byOwner.values()) {
                        all = all.chain(() -> awardOwner(tx, group, rate));
                      }
                      return all.chain(() -> repository.dequeue(tx, queued.stream().map(Queued::id).toList()))
                          .replaceWith(queued.size());
                    }));
  }

  private Uni<Void> awardOwner(SqlConnection tx, List<Queued> group, int rate) {
    UUID userId = group.get(0).userId();
    String currency = group.get(0).currency();
    List<UUID> chargeIds = List.copyOf(new LinkedHashSet<>(group.stream().map(Queued::chargeId).toList()));
    // Through the pool, not tx: committed at once and so cached for the life of the process (an
    // account made inside tx is not cached, and every later pass would make it again). An account
    // left without entries by a pass that rolls back is harmless.
    return accounts
        .account(pool, AccountKind.LOYALTY, userId.toString(), currency)
        .chain(
            loyaltyAccount ->
                accounts
                    .platform(AccountKind.LOYALTY_FUNDING, currency)
                    .chain(
                        funding ->
                            repository
                                .lock(tx, userId, currency, loyaltyAccount)
                                .chain(
                                    balance ->
                                        repository
                                            .spend(tx, chargeIds)
                                            .chain(spends -> count(tx, balance, funding, spends, rate)))));
  }

  /** Turns the charges' spend changes into points on a locked balance, and records what was counted. */
  private Uni<Void> count(SqlConnection tx, LoyaltyBalance balance, UUID funding, List<Spend> spends, int rate) {
    int carry = balance.carryBps();
    long points = balance.pointsMinor();
    long owed = balance.owedMinor();
    long credited = 0;
    long clawedBack = 0;
    List<Spend> counted = new ArrayList<>();
    for (Spend spend : spends.stream().sorted(Comparator.comparing(Spend::chargeId)).toList()) {
      long before = spend.countedMinor() == null ? 0 : spend.countedMinor();
      int bps = spend.earnBps() == null ? rate : spend.earnBps();
      if (spend.spendMinor() == before && spend.countedMinor() != null) {
        continue;
      }
      Earning.Accrual accrual = Earning.accrue(carry, spend.spendMinor() - before, bps);
      Earning.Applied applied = Earning.apply(accrual.points(), points, owed);
      carry = accrual.carryBps();
      owed = applied.owedMinor();
      points = points + applied.creditMinor() - applied.clawbackMinor();
      credited += applied.creditMinor();
      clawedBack += applied.clawbackMinor();
      counted.add(new Spend(spend.chargeId(), spend.spendMinor(), before, bps));
    }
    if (counted.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    long net = credited - clawedBack;
    Uni<Void> posting =
        net == 0
            ? Uni.createFrom().voidItem()
            : ledger.post(
                tx,
                net > 0
                    ? Posting.builder(AWARD_POSTING, Ids.newId()).move(funding, balance.accountId(), balance.currency(), net).build()
                    : Posting.builder(AWARD_POSTING, Ids.newId()).move(balance.accountId(), funding, balance.currency(), -net).build());
    long earnedNow = credited;
    long clawedNow = clawedBack;
    int carryAfter = carry;
    long owedAfter = owed;
    return posting
        .chain(() -> repository.counted(tx, balance.userId(), balance.currency(), counted))
        .chain(
            () ->
                repository.update(
                    tx, balance.userId(), balance.currency(), earnedNow, clawedNow, carryAfter, owedAfter))
        .invoke(
            () -> {
              meters.counter("farthing.payments.loyalty.points", "movement", "earned").increment(earnedNow);
              meters.counter("farthing.payments.loyalty.points", "movement", "clawed_back").increment(clawedNow);
            });
  }

  // ------------------------------------------------------------------------------------------
  // Redeeming and reading
  // ------------------------------------------------------------------------------------------

  public Uni<Reply> redeem(UUID userId, String idempotencyKey, long amountMinor, String currency) {
    if (amountMinor < config.minRedeemMinor()) {
      throw ApiException.invalid(
          "The smallest redemption is " + config.minRedeemMinor() + " points", BELOW_MINIMUM_REDEMPTION);
    }
    byte[] hash =
        IdempotencyKeys.hash(
            OP_REDEEM,
            Long.toString(amountMinor).getBytes(StandardCharsets.UTF_8),
            currency.getBytes(StandardCharsets.UTF_8));
    return idempotency.run(
        RestIdempotency.userCaller(userId), idempotencyKey, OP_REDEEM, hash,
        claim -> redeemClaimed(claim, userId, amountMinor, currency));
  }

  private Uni<Reply> redeemClaimed(Claim.Fresh claim, UUID userId, long amountMinor, String currency) {
    UUID redemptionId = Ids.newId();
    // The wallet's ledger account is committed before the transaction: Accounts caches ids for the
    // life of the process, so it must never cache one that a rollback took away.
    return accounts
        .account(pool, AccountKind.USER_WALLET, userId.toString(), currency)
        .chain(
            walletAccount ->
                pool.withTransaction(
                    tx ->
                        repository
                            .redeem(tx, userId, currency, amountMinor)
                            .map(taken -> taken.orElseThrow(LoyaltyService::insufficient))
                            .chain(
                                after ->
                                    wallets
                                        .open(tx, userId, currency)
                                        .chain(w -> limits.of(tx, userId, currency).map(l -> l.walletMaxMinor()))
                                        .chain(max -> wallets.credit(tx, walletAccount, amountMinor, max))
                                        .map(
                                            credited ->
                                                credited.orElseThrow(
                                                    () ->
                                                        ApiException.precondition(
                                                            "Your wallet cannot take this much more", WALLET_LIMIT_EXCEEDED)))
                                        .chain(
                                            wallet -> {
                                              Redemption redemption =
                                                  new Redemption(
                                                      redemptionId, userId, wallet.id(), currency, amountMinor,
                                                      Instant.now().truncatedTo(ChronoUnit.MICROS));
                                              Reply reply =
                                                  idempotency.reply(
                                                      201, location(redemptionId),
                                                      RedemptionView.of(redemption, after.pointsMinor(), wallet.balanceMinor()));
                                              return ledger.post(
                                                      tx,
                                                      Posting.builder(REDEMPTION_POSTING, redemptionId)
                                                          .move(after.accountId(), wallet.id(), currency, amountMinor)
                                                          .build())
                                                  .chain(() -> repository.insert(tx, redemption))
                                                  .chain(() -> outbox.append(tx, redeemed(redemption, after.pointsMinor(), wallet.balanceMinor())))
                                                  .chain(() -> keys.complete(tx, claim, idempotency.stored(redemptionId, reply)))
                                                  .replaceWith(reply);
                                            }))))
        .invoke(() -> meters.counter("farthing.payments.loyalty.points", "movement", "redeemed").increment(amountMinor));
  }

  public Uni<List<LoyaltyBalance>> balances(UUID userId) {
    return repository.ofUser(userId);
  }

  public Uni<Redemption> redemption(UUID userId, UUID redemptionId) {
    return repository
        .redemption(redemptionId)
        .map(
            found ->
                found
                    .filter(r -> r.userId().equals(userId))
                    .orElseThrow(() -> ApiException.notFound("No such redemption", REDEMPTION_NOT_FOUND)));
  }

  /** Users whose cached points differ from their LOYALTY account's entries: empty when all is well. */
  public Uni<List<LoyaltyRepository.Drift>> drift() {
    return repository.drift();
  }

  static String location(UUID redemptionId) {
    return "/v1/loyalty/redemptions/" + redemptionId;
  }

  private static OutboxEvent redeemed(Redemption r, long pointsLeftMinor, long walletBalanceMinor) {
    JsonObject data =
        new JsonObject()
            .put("redemptionId", r.id().toString())
            .put("walletId", r.walletId().toString())
            .put("currency", r.currency())
            .put("amountMinor", r.amountMinor())
            .put("pointsMinor", pointsLeftMinor)
            .put("walletBalanceMinor", walletBalanceMinor);
    return OutboxEvent.of(OutboxEvent.LOYALTY_REDEEMED, r.userId(), null, "loyalty:" + r.userId(), 0, data);
  }

  private static ApiException insufficient() {
    return ApiException.precondition("You do not have that many points in this currency", INSUFFICIENT_POINTS);
  }
}
