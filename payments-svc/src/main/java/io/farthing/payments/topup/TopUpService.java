package io.farthing.payments.topup;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.RiskClient;
import io.farthing.payments.client.RiskDecision;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.farthing.payments.idempotency.StoredOutcome;
import io.farthing.payments.ledger.AccountKind;
import io.farthing.payments.ledger.Accounts;
import io.farthing.payments.ledger.Ledger;
import io.farthing.payments.ledger.Posting;
import io.farthing.payments.limit.LimitExceeded;
import io.farthing.payments.limit.Limits;
import io.farthing.payments.limit.SpendLimits;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.wallet.Wallet;
import io.farthing.payments.wallet.WalletRepository;
import io.farthing.proto.risk.v1.Channel;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.type.v1.Money;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Top-ups: money in from a {@link FundingGateway} to a person's wallet, credited exactly once
 * whatever the retries, timeouts and crashes.
 *
 * <p>The path: key claimed → the user's standing, KYC wallet maximum and wallet read → risk Score
 * (channel TOP_UP; only DENY refuses: money coming in is checked by the processor too) → the
 * top-up recorded PENDING → the gateway asked, with {@code payments.funding.timeout} → one
 * transaction: the row locked, the answer applied (posting FUNDING → wallet and the wallet credit
 * within its maximum, or FAILED), the outbox event, the key completed. No answer in time: the key
 * is completed with the PENDING top-up (202) and {@link TopUpReconciler} settles it later from the
 * gateway's record. Settling is the same code for both, on a locked row, conditional on PENDING,
 * so it happens once; a unique index allows one TOP_UP posting per top-up besides.
 *
 * <p>A crash between recording the top-up and completing the key leaves the top-up naming its key
 * ({@code open_key}): the retry resumes that top-up (the gateway is idempotent by reference)
 * instead of starting a second one.
 */
@ApplicationScoped
public class TopUpService {
  private static final Logger LOG = Logger.getLogger(TopUpService.class);
  public static final String OP_CREATE = "CreateTopUp";
  public static final String TOPUP_NOT_FOUND = "TOPUP_NOT_FOUND";
  public static final String TOPUP_FAILED = "TOPUP_FAILED";
  static final String POSTING_KIND = "TOP_UP";

  private final Pool pool;
  private final TopUpRepository topUps;
  private final WalletRepository wallets;
  private final Accounts accounts;
  private final Ledger ledger;
  private final Limits limits;
  private final Outbox outbox;
  private final IdempotencyKeys keys;
  private final RestIdempotency idempotency;
  private final AuthClient auth;
  private final RiskClient risk;
  private final FundingGateway gateway;
  private final FundingConfig funding;
  private final PaymentsConfig payments;
  private final MeterRegistry meters;

  public TopUpService(
      Pool pool,
      TopUpRepository topUps,
      WalletRepository wallets,
      Accounts accounts,
      Ledger ledger,
      Limits limits,
      Outbox outbox,
      IdempotencyKeys keys,
      RestIdempotency idempotency,
      AuthClient auth,
      RiskClient risk,
      FundingGateway gateway,
      FundingConfig funding,
      PaymentsConfig payments,
      MeterRegistry meters) {
    this.pool = pool;
    this.topUps = topUps;
    this.wallets = wallets;
    this.accounts = accounts;
    this.ledger = ledger;
    this.limits = limits;
    this.outbox = outbox;
    this.keys = keys;
    this.idempotency = idempotency;
    this.auth = auth;
    this.risk = risk;
    this.gateway = gateway;
    this.funding = funding;
    this.payments = payments;
    this.meters = meters;
  }

  // ------------------------------------------------------------------------------------------
  // Create
  // ------------------------------------------------------------------------------------------

  public Uni<Reply> create(UUID userId, String idempotencyKey, NewTopUp request) {
    byte[] hash = IdempotencyKeys.hash(OP_CREATE, request.canonical());
    return idempotency.run(
        RestIdempotency.userCaller(userId),
        idempotencyKey,
        OP_CREATE,
        hash,
        claim -> start(claim, userId, idempotencyKey, request),
        this::replayRefusal);
  }

  private Uni<Reply> start(Claim.Fresh claim, UUID userId, String key, NewTopUp request) {
    return topUps
        .findOpen(pool, userId, key, payments.idempotency().ttl())
        .chain(open -> open.isPresent() ? resume(claim, open.get()) : begin(claim, userId, key, request));
  }

  /** A request for this key crashed or stalled after recording its top-up: carry on with that one. */
  private Uni<Reply> resume(Claim.Fresh claim, TopUp topUp) {
    LOG.infof("Resuming top-up %s (%s) for a retried request", topUp.id(), topUp.status());
    return topUp.status() == TopUpStatus.PENDING ? authorize(claim, topUp) : finish(claim, topUp, null);
  }

  private Uni<Reply> begin(Claim.Fresh claim, UUID userId, String key, NewTopUp request) {
    return Uni.combine()
        .all()
        .unis(
            auth.user(userId),
            limits.of(pool, userId, request.currency()),
            wallets.find(userId, request.currency()))
        .asTuple()
        .chain(
            t -> {
              UserStanding user = t.getItem1();
              SpendLimits limit = t.getItem2();
              Optional<Wallet> wallet = t.getItem3();
              if (!user.active()) {
                throw ApiException.forbidden("The user's account is not active", "USER_NOT_ACTIVE");
              }
              long balance = wallet.map(Wallet::balanceMinor).orElse(0L);
              if (request.amountMinor() > limit.walletMaxMinor() - balance) {
                // Refused before the instrument is charged; settling checks again, in its transaction.
                throw new LimitExceeded(TopUp.WALLET_MAX, limit.walletMaxMinor(), request.currency());
              }
              Instant now = TopUp.now();
              TopUp draft =
                  new TopUp(
                      Ids.newId(), userId, wallet.map(Wallet::id).orElse(null), request.currency(),
                      request.amountMinor(), request.instrument(), funding.gateway().name().toLowerCase(),
                      TopUpStatus.PENDING, null, null, null, null, 0, now, now);
              return risk.score(scoreRequest(draft, user, limit))
                  .chain(decision -> decide(claim, key, draft, decision));
            });
  }

  private Uni<Reply> decide(Claim.Fresh claim, String key, TopUp draft, RiskDecision decision) {
    meters.counter("farthing.payments.topups.decisions", "verdict", decision.verdict().name()).increment();
    TopUp scored = withDecision(draft, decision.decisionId());
    if (decision.verdict() == RiskDecision.Verdict.DENY) {
      return refuseByRisk(claim, scored);
    }
    // ALLOW and CHALLENGE both go ahead: a top-up moves money into the wallet, and the processor
    // screens the instrument itself. Movements out of the wallet are where step-up applies.
    return openWallet(scored)
        .chain(
            pending ->
                pool.withTransaction(
                        tx ->
                            topUps.insert(
                                tx, pending, key, pending.createdAt().plus(funding.timeout()).plus(funding.recheckAfter()),
                                payments.idempotency().ttl()))
                    .chain(
                        inserted ->
                            inserted
                                ? authorize(claim, pending)
                                : topUps
                                    .findOpen(pool, pending.userId(), key, payments.idempotency().ttl())
                                    .chain(open -> resume(claim, open.orElseThrow()))));
  }

  /** The wallet exists (and is committed) before any money is asked for, so settling only credits it. */
  private Uni<TopUp> openWallet(TopUp topUp) {
    if (topUp.walletId() != null) {
      return Uni.createFrom().item(topUp);
    }
    return wallets
        .open(pool, topUp.userId(), topUp.currency())
        .map(
            wallet ->
                new TopUp(
                    topUp.id(), topUp.userId(), wallet.id(), topUp.currency(), topUp.amountMinor(), topUp.instrument(),
                    topUp.gateway(), topUp.status(), null, null, null, topUp.decisionId(), 0, topUp.createdAt(),
                    topUp.updatedAt()));
  }

  private Uni<Reply> refuseByRisk(Claim.Fresh claim, TopUp scored) {
    TopUp failed =
        new TopUp(
            scored.id(), scored.userId(), scored.walletId(), scored.currency(), scored.amountMinor(),
            scored.instrument(), scored.gateway(), TopUpStatus.FAILED, null, null, TopUp.RISK_DENIED,
            scored.decisionId(), 0, scored.createdAt(), scored.updatedAt());
    ApiException refusal = riskDenied();
    return pool.withTransaction(
            tx ->
                topUps
                    .insert(tx, failed, null, failed.createdAt(), payments.idempotency().ttl())
                    .chain(() -> event(tx, failed, OutboxEvent.TOPUP_FAILED))
                    .chain(() -> keys.complete(tx, claim, StoredOutcome.failure(failed.id(), refusal))))
        .chain(() -> Uni.createFrom().failure(refusal));
  }

  /** Asks the gateway, waiting at most {@code payments.funding.timeout}; no answer is PENDING. */
  private Uni<Reply> authorize(Claim.Fresh claim, TopUp topUp) {
    FundingRequest request =
        new FundingRequest(topUp.reference(), topUp.userId(), topUp.amountMinor(), topUp.currency(), topUp.instrument());
    return gateway
        .authorize(request)
        .ifNoItem()
        .after(funding.timeout())
        .fail()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.infof("No answer from the funding gateway for top-up %s (%s): left PENDING for the reconciler",
                  topUp.id(), e.getClass().getSimpleName());
              meters.counter("farthing.payments.topups.gateway_timeouts").increment();
              return FundingOutcome.PENDING;
            })
        .chain(outcome -> finish(claim, topUp, outcome));
  }

  /** What the request path answers, decided in its transaction from the top-up as it stands. */
  private record Answer(Reply reply, ApiException refusal, StoredOutcome stored) {}

  /**
   * One transaction: the top-up locked, {@code outcome} applied if it is still PENDING, the key
   * completed with the answer for the state it is in. {@code outcome} null: only answer.
   */
  private Uni<Reply> finish(Claim.Fresh claim, TopUp topUp, FundingOutcome outcome) {
    return accounts
        .platform(AccountKind.FUNDING, topUp.currency())
        .chain(
            fundingAccount ->
                pool.withTransaction(
                    tx ->
                        locked(tx, topUp.id())
                            .chain(t -> outcome == null ? Uni.createFrom().item(t) : settle(tx, t, outcome, fundingAccount))
                            .call(t -> t.status() == TopUpStatus.PENDING ? topUps.checkAt(tx, t.id(), Instant.now()) : Uni.createFrom().voidItem())
                            .call(t -> topUps.closeKey(tx, t.id()))
                            .chain(t -> answer(tx, t))
                            .call(answer -> keys.complete(tx, claim, answer.stored()))))
        .chain(
            answer ->
                answer.refusal() != null
                    ? Uni.createFrom().<Reply>failure(answer.refusal())
                    : Uni.createFrom().item(answer.reply()));
  }

  private Uni<Answer> answer(SqlConnection tx, TopUp t) {
    return switch (t.status()) {
      case SUCCEEDED -> Uni.createFrom().item(success(t, 201));
      case PENDING -> Uni.createFrom().item(success(t, 202));
      case FAILED -> Uni.createFrom().item(refused(t, failure(t)));
      case REVERSING, REVERSED ->
          limits.of(tx, t.userId(), t.currency())
              .map(limit -> refused(t, new LimitExceeded(TopUp.WALLET_MAX, limit.walletMaxMinor(), t.currency())));
    };
  }

  private Answer success(TopUp t, int status) {
    Reply reply = idempotency.reply(status, location(t.id()), TopUpView.of(t));
    return new Answer(reply, null, idempotency.stored(t.id(), reply));
  }

  private static Answer refused(TopUp t, ApiException refusal) {
    return new Answer(null, refusal, StoredOutcome.failure(t.id(), refusal));
  }

  private static ApiException failure(TopUp t) {
    return switch (t.failureReason()) {
      case TopUp.DECLINED -> new TopUpDeclined(t.id(), t.declineCode());
      case TopUp.RISK_DENIED -> riskDenied();
      default ->
          ApiException.precondition(
              "The payment processor did not complete this top-up; nothing was taken", TOPUP_FAILED);
    };
  }

  private static ApiException riskDenied() {
    return ApiException.forbidden("This top-up was declined by risk checks", TopUp.RISK_DENIED);
  }

  /** A stored TOPUP_DECLINED is answered again with its top-up id and decline code (the row never changes). */
  private Uni<Reply> replayRefusal(StoredOutcome outcome) {
    ApiException stored = outcome.error();
    if (!TopUp.DECLINED.equals(stored.reason()) || outcome.resourceId() == null) {
      return Uni.createFrom().failure(stored);
    }
    return topUps
        .find(outcome.resourceId())
        .chain(
            found ->
                Uni.createFrom()
                    .failure(found.<Throwable>map(t -> new TopUpDeclined(t.id(), t.declineCode())).orElse(stored)));
  }

  // ------------------------------------------------------------------------------------------
  // Settling: the one place a PENDING top-up moves on
  // ------------------------------------------------------------------------------------------

  /**
   * Applies the gateway's final answer to a locked top-up, if it is still PENDING; any other
   * state, or an answer that is not final, leaves it as it is. Returns the top-up as it stands.
   */
  private Uni<TopUp> settle(SqlConnection tx, TopUp locked, FundingOutcome outcome, UUID fundingAccount) {
    if (locked.status() != TopUpStatus.PENDING || !outcome.isFinal()) {
      return Uni.createFrom().item(locked);
    }
    return switch (outcome) {
      case FundingOutcome.Approved approved -> credit(tx, locked, approved, fundingAccount);
      case FundingOutcome.Declined declined ->
          move(tx, locked, locked.moved(TopUpStatus.FAILED, null, declined.code(), TopUp.DECLINED), OutboxEvent.TOPUP_FAILED);
      case FundingOutcome.Cancelled cancelled ->
          move(tx, locked, locked.moved(TopUpStatus.FAILED, null, null, TopUp.GATEWAY_TIMEOUT), OutboxEvent.TOPUP_FAILED);
      default -> Uni.createFrom().item(locked);
    };
  }

  /**
   * Approved: the wallet is credited within the KYC tier's maximum and the posting written. When
   * the maximum would be passed (other money arrived meanwhile) nothing is credited and the top-up
   * goes to REVERSING: the reconciler gives the money back to the instrument.
   */
  private Uni<TopUp> credit(SqlConnection tx, TopUp locked, FundingOutcome.Approved approved, UUID fundingAccount) {
    return limits
        .of(tx, locked.userId(), locked.currency())
        .chain(limit -> wallets.credit(tx, locked.walletId(), locked.amountMinor(), limit.walletMaxMinor()))
        .chain(
            credited -> {
              if (credited.isEmpty()) {
                TopUp reversing = locked.moved(TopUpStatus.REVERSING, approved.processorReference(), null, TopUp.WALLET_MAX);
                return move(tx, locked, reversing, OutboxEvent.TOPUP_FAILED)
                    .call(t -> topUps.checkAt(tx, t.id(), Instant.now()));
              }
              Posting posting =
                  Posting.builder(POSTING_KIND, locked.id())
                      .move(fundingAccount, locked.walletId(), locked.currency(), locked.amountMinor())
                      .build();
              return ledger.post(tx, posting)
                  .chain(
                      () ->
                          move(
                              tx, locked, locked.moved(TopUpStatus.SUCCEEDED, approved.processorReference(), null, null),
                              OutboxEvent.TOPUP_SUCCEEDED));
            });
  }

  private Uni<TopUp> move(SqlConnection tx, TopUp from, TopUp to, String eventType) {
    Uni<Void> written = topUps.update(tx, to, from.version());
    return (eventType == null ? written : written.chain(() -> event(tx, to, eventType)))
        .invoke(() -> meters.counter("farthing.payments.topups.settled", "status", to.status().name()).increment())
        .replaceWith(to);
  }

  private Uni<Void> event(SqlConnection tx, TopUp t, String type) {
    JsonObject data =
        new JsonObject()
            .put("topUpId", t.id().toString())
            .put("userId", t.userId().toString())
            .put("status", t.status().name())
            .put("currency", t.currency())
            .put("amountMinor", t.amountMinor());
    if (t.walletId() != null) {
      data.put("walletId", t.walletId().toString());
    }
    if (t.declineCode() != null) {
      data.put("declineCode", t.declineCode());
    }
    if (t.failureReason() != null) {
      data.put("failureReason", t.failureReason());
    }
    return outbox.append(tx, OutboxEvent.of(type, t.userId(), null, "topup:" + t.id(), t.version(), data));
  }

  // ------------------------------------------------------------------------------------------
  // Reconciling (TopUpReconciler, every replica; claimed batches keep replicas apart)
  // ------------------------------------------------------------------------------------------

  /** Looks at due PENDING and REVERSING top-ups once; returns how many it moved on. */
  public Uni<Integer> reconcileDue() {
    return topUps
        .claimDue(funding.reconcileBatch(), funding.recheckAfter())
        .chain(
            due -> {
              Uni<Integer> chain = Uni.createFrom().item(0);
              for (TopUp t : due) {
                chain =
                    chain.chain(
                        n ->
                            reconcile(t)
                                .onFailure()
                                .recoverWithItem(
                                    e -> {
                                      LOG.warnf("Could not reconcile top-up %s: %s", t.id(), e.getClass().getSimpleName());
                                      return false;
                                    })
                                .map(moved -> moved ? n + 1 : n));
              }
              return chain;
            });
  }

  private Uni<Boolean> reconcile(TopUp t) {
    return switch (t.status()) {
      case PENDING ->
          bounded(gateway.lookup(t.reference()))
              .chain(outcome -> outcome.isFinal() ? settleAlone(t, outcome) : giveUpIfDue(t));
      case REVERSING -> bounded(gateway.refund(t.reference())).chain(() -> reversed(t));
      default -> Uni.createFrom().item(false);
    };
  }

  /** Undecided for longer than {@code give-up-after}: cancelled at the gateway, then settled by its answer. */
  private Uni<Boolean> giveUpIfDue(TopUp t) {
    if (Instant.now().isBefore(t.createdAt().plus(funding.giveUpAfter()))) {
      return Uni.createFrom().item(false);
    }
    return bounded(gateway.cancel(t.reference()))
        .chain(outcome -> outcome.isFinal() ? settleAlone(t, outcome) : Uni.createFrom().item(false));
  }

  private Uni<Boolean> settleAlone(TopUp t, FundingOutcome outcome) {
    return accounts
        .platform(AccountKind.FUNDING, t.currency())
        .chain(
            fundingAccount ->
                pool.withTransaction(tx -> locked(tx, t.id()).chain(current -> settle(tx, current, outcome, fundingAccount))))
        .invoke(after -> LOG.infof("Reconciled top-up %s: %s", after.id(), after.status()))
        .map(after -> after.status() != TopUpStatus.PENDING);
  }

  private Uni<Boolean> reversed(TopUp t) {
    return pool.withTransaction(
        tx ->
            locked(tx, t.id())
                .chain(
                    current ->
                        current.status() != TopUpStatus.REVERSING
                            ? Uni.createFrom().item(false)
                            : move(tx, current, current.moved(TopUpStatus.REVERSED, current.processorReference(), null,
                                    current.failureReason()), null)
                                .replaceWith(true)));
  }

  private <T> Uni<T> bounded(Uni<T> call) {
    return call.ifNoItem().after(funding.lookupTimeout()).fail();
  }

  // ------------------------------------------------------------------------------------------
  // Reads
  // ------------------------------------------------------------------------------------------

  /** The user's own top-up; another user's is TOPUP_NOT_FOUND. */
  public Uni<TopUp> getForUser(UUID userId, UUID topUpId) {
    return topUps
        .find(topUpId)
        .map(found -> found.filter(t -> t.userId().equals(userId)).orElseThrow(TopUpService::notFound));
  }

  public static String location(UUID topUpId) {
    return "/v1/topups/" + topUpId;
  }

  private Uni<TopUp> locked(SqlConnection tx, UUID id) {
    return topUps.lock(tx, id).map(found -> found.orElseThrow(() -> new IllegalStateException("top-up " + id + " vanished")));
  }

  private static ApiException notFound() {
    return ApiException.notFound("No such top-up", TOPUP_NOT_FOUND);
  }

  private static TopUp withDecision(TopUp t, String decisionId) {
    return new TopUp(
        t.id(), t.userId(), t.walletId(), t.currency(), t.amountMinor(), t.instrument(), t.gateway(), t.status(),
        t.processorReference(), t.declineCode(), t.failureReason(),
        decisionId == null || decisionId.isEmpty() ? null : decisionId, t.version(), t.createdAt(), t.updatedAt());
  }

  private static ScoreRequest scoreRequest(TopUp t, UserStanding user, SpendLimits limit) {
    ScoreRequest.Builder request =
        ScoreRequest.newBuilder()
            .setRequestId(t.id().toString())
            .setUserId(t.userId().toString())
            .setAmount(Money.newBuilder().setAmountMinor(t.amountMinor()).setCurrency(t.currency()))
            .setChannel(Channel.CHANNEL_TOP_UP)
            .setKycTier(limit.kycTier())
            .setSecurityLevel(user.securityLevel());
    if (t.walletId() != null) {
      request.setWalletId(t.walletId().toString());
    }
    return request.build();
  }
}
