package io.farthing.payments.charge;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.allowance.AllowancePeriod;
import io.farthing.payments.allowance.Allowances;
import io.farthing.payments.client.AuthClient;
import io.farthing.payments.client.RiskClient;
import io.farthing.payments.client.RiskDecision;
import io.farthing.payments.client.UserStanding;
import io.farthing.payments.config.PaymentsConfig;
import io.farthing.payments.fee.FeePlan;
import io.farthing.payments.fee.Fees;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.GrpcIdempotency;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.StoredOutcome;
import io.farthing.payments.limit.LimitExceeded;
import io.farthing.payments.merchant.Merchant;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.type.v1.Money;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The charge lifecycle: create (the hot path), confirm after step-up, capture, void, refund,
 * expiry. Each mutating call claims its idempotency key first and completes it in the same
 * transaction as the money, the charge row and the outbox event.
 *
 * <p>The hot path: key claimed → user standing, consent and merchant read concurrently → risk
 * Score (deadline, fallback) → one transaction (limits counted, wallet debited conditionally,
 * posting, charge, event, key completed).
 */
@ApplicationScoped
public class ChargeService {
  private static final Logger LOG = Logger.getLogger(ChargeService.class);
  public static final String CHARGE_NOT_FOUND = "CHARGE_NOT_FOUND";
  public static final String OP_CREATE = "CreateCharge";

  /** A new charge as the partner asked for it, already validated by the adapter. */
  public record NewCharge(
      String idempotencyKey,
      byte[] requestHash,
      String userAccessToken,
      UUID userId,
      long amountMinor,
      String currency,
      String description,
      boolean captureLater,
      String deviceId,
      Map<String, String> metadata,
      boolean finalSale) {

    /** A charge that is not a final sale. */
    public NewCharge(
        String idempotencyKey, byte[] requestHash, String userAccessToken, UUID userId, long amountMinor,
        String currency, String description, boolean captureLater, String deviceId, Map<String, String> metadata) {
      this(idempotencyKey, requestHash, userAccessToken, userId, amountMinor, currency, description, captureLater,
          deviceId, metadata, false);
    }
  }

  private final Pool pool;
  private final ChargeRepository charges;
  private final ChargeMoney money;
  private final IdempotencyKeys keys;
  private final GrpcIdempotency grpcIdempotency;
  private final Outbox outbox;
  private final MerchantService merchants;
  private final AuthClient auth;
  private final RiskClient risk;
  private final io.farthing.payments.security.UserTokens userTokens;
  private final PaymentsConfig config;
  private final MeterRegistry meters;
  private final io.farthing.payments.limit.Limits limits;

  public ChargeService(
      Pool pool,
      ChargeRepository charges,
      ChargeMoney money,
      IdempotencyKeys keys,
      GrpcIdempotency grpcIdempotency,
      Outbox outbox,
      MerchantService merchants,
      AuthClient auth,
      RiskClient risk,
      io.farthing.payments.security.UserTokens userTokens,
      PaymentsConfig config,
      MeterRegistry meters,
      io.farthing.payments.limit.Limits limits) {
    this.pool = pool;
    this.charges = charges;
    this.money = money;
    this.keys = keys;
    this.grpcIdempotency = grpcIdempotency;
    this.outbox = outbox;
    this.merchants = merchants;
    this.auth = auth;
    this.risk = risk;
    this.userTokens = userTokens;
    this.config = config;
    this.meters = meters;
    this.limits = limits;
  }

  // ------------------------------------------------------------------------------------------
  // Create
  // ------------------------------------------------------------------------------------------

  /**
   * A partner's charge: with the user's own access token (the user is present in the partner's
   * app: no consent needed), or by user id under the consent the user granted the partner.
   */
  public Uni<io.farthing.proto.payments.v1.Charge> create(String partner, NewCharge request) {
    if (request.userAccessToken() != null) {
      return userTokens.userOf(request.userAccessToken()).chain(user -> create(partner, request, user, true));
    }
    return create(partner, request, request.userId(), false);
  }

  /**
   * A charge the user makes themselves through payments-svc (paying a merchant's payment request
   * with their own token): the user is present, so no consent is needed. Idempotency keys are
   * scoped to {@code caller} (for a user: "user:" + id).
   */
  public Uni<io.farthing.proto.payments.v1.Charge> createByUser(
      String caller, String partner, UUID userId, NewCharge request) {
    return claimedCreate(caller, partner, request, userId, true);
  }

  private Uni<io.farthing.proto.payments.v1.Charge> create(
      String partner, NewCharge request, UUID userId, boolean userPresent) {
    return claimedCreate(partner, partner, request, userId, userPresent);
  }

  private Uni<io.farthing.proto.payments.v1.Charge> claimedCreate(
      String caller, String partner, NewCharge request, UUID userId, boolean userPresent) {
    return claimed(
        caller,
        request.idempotencyKey(),
        OP_CREATE,
        IdempotencyKeys.hash(OP_CREATE, request.requestHash(), userId.toString().getBytes(), partner.getBytes()),
        claim -> createClaimed(partner, request, userId, userPresent, claim));
  }

  private Uni<io.farthing.proto.payments.v1.Charge> createClaimed(
      String partner, NewCharge request, UUID userId, boolean userPresent, Claim.Fresh claim) {
    Instant now = Instant.now();
    boolean underConsent = !userPresent;
    Charge draft =
        new Charge(
            Ids.newId(), partner, userId, null, request.currency(), request.amountMinor(), 0, 0, 0, 0, 0,
            ChargeStatus.FAILED, request.captureLater(), request.description(), request.metadata(),
            request.deviceId(), null, null, null, null, null, 0, now, now, request.finalSale());
    Uni<Merchant> merchant = merchants.requireChargeable(partner, request.currency());
    Uni<UserStanding> standing = auth.user(userId);
    Uni<AuthClient.ConsentAnswer> consent =
        underConsent
            ? auth.checkConsent(userId, partner, request.amountMinor(), request.currency())
            : Uni.createFrom().item(new AuthClient.ConsentAnswer(true, null, null));
    // Read concurrently; the limits themselves are enforced again in the money's transaction.
    Uni<io.farthing.payments.limit.SpendLimits> limitsNow = limits.of(pool, userId, request.currency());
    return Uni.combine()
        .all()
        .unis(merchant, standing, consent, limitsNow)
        .asTuple()
        .chain(
            t -> {
              Merchant m = t.getItem1();
              UserStanding user = t.getItem2();
              AuthClient.ConsentAnswer answer = t.getItem3();
              int kycTier = t.getItem4().kycTier();
              FeePlan plan = m.plan(request.currency()).orElseThrow();
              long fee = plan.feeFor(request.amountMinor());
              Charge priced = withFee(draft, fee, answer.consentId());
              if (!user.active()) {
                return refuse(claim, priced, ApiException.forbidden("The user's account is not active", "USER_NOT_ACTIVE"));
              }
              if (!answer.allowed()) {
                return refuse(
                    claim,
                    priced,
                    ApiException.forbidden("The user has not allowed this partner to charge this", answer.reason()));
              }
              if (FeePlan.exceedsShare(fee, request.amountMinor(), config.fees().maxShareBps())) {
                return refuse(
                    claim,
                    priced,
                    ApiException.precondition("The fee would take too large a share of this amount", "FEE_TOO_HIGH"));
              }
              return risk.score(scoreRequest(priced, m, user, kycTier))
                  .chain(decision -> decide(claim, priced, user, decision, answer.allowance()));
            });
  }

  /**
   * Risk's verdict applied. Under an allowance (the user agreed in advance, up to its limit) the
   * security level's step-up and a risk CHALLENGE do not stop the charge; DENY always refuses.
   */
  private Uni<io.farthing.proto.payments.v1.Charge> decide(
      Claim.Fresh claim, Charge charge, UserStanding user, RiskDecision decision, AllowancePeriod allowance) {
    Charge scored = withDecision(charge, decision.decisionId());
    meters.counter("farthing.payments.charges.decisions", "verdict", decision.verdict().name()).increment();
    if (decision.verdict() == RiskDecision.Verdict.DENY) {
      return refuse(
          claim, scored, ApiException.forbidden("This payment was declined by risk checks", "RISK_DENIED"));
    }
    boolean stepUp =
        allowance == null
            && (decision.verdict() == RiskDecision.Verdict.CHALLENGE
                || user.requiresStepUp(charge.amountMinor(), charge.currency()));
    if (stepUp) {
      return challenge(claim, scored, decision);
    }
    return charge(claim, scored, user.zone(), allowance);
  }

  /** Opens an auth-svc challenge and parks the charge in REQUIRES_ACTION (no money moves yet). */
  private Uni<io.farthing.proto.payments.v1.Charge> challenge(Claim.Fresh claim, Charge charge, RiskDecision decision) {
    List<String> reasons = new ArrayList<>(decision.reasons());
    return auth.createChallenge(charge.userId(), charge.purpose(), charge.amountMinor(), charge.currency(), reasons)
        .onFailure(e -> e instanceof ApiException api && api.kind() == ApiException.Kind.PRECONDITION)
        .transform(
            e ->
                new StepUpUnavailable(
                    ApiException.precondition(
                        "This payment needs the user's confirmation, and the user has no way to give it",
                        "STEP_UP_UNAVAILABLE")))
        .chain(
            challengeId -> {
              Charge waiting =
                  copy(charge, ChargeStatus.REQUIRES_ACTION, 0, 0, 0, charge.feeMinor(), 0, challengeId, null,
                      Instant.now().plus(config.charges().challengeExpiry()));
              return pool.withTransaction(
                      tx ->
                          charges
                              .insert(tx, waiting)
                              .chain(() -> event(tx, waiting, OutboxEvent.CHARGE_REQUIRES_ACTION))
                              .chain(() -> completeWith(tx, claim, waiting)));
            })
        .onFailure(StepUpUnavailable.class)
        .recoverWithUni(e -> refuse(claim, charge, ((StepUpUnavailable) e).refusal));
  }

  /** Moves the money for a new charge: captured at once, or held when the partner asked so. */
  private Uni<io.farthing.proto.payments.v1.Charge> charge(
      Claim.Fresh claim, Charge charge, ZoneId zone, AllowancePeriod allowance) {
    return debitAndRecord(
            charge,
            zone,
            allowance,
            (tx, done, eventType, dailyCapRemainingMinor) ->
                charges
                    .insert(tx, done)
                    .chain(() -> event(tx, done, eventType, dailyCapRemainingMinor))
                    .chain(() -> completeWith(tx, claim, done)))
        .onFailure(ChargeService::isMoneyRefusal)
        .recoverWithUni(e -> refuse(claim, charge, (ApiException) e));
  }

  private interface Record {
    Uni<io.farthing.proto.payments.v1.Charge> write(
        SqlConnection tx, Charge done, String eventType, Long dailyCapRemainingMinor);
  }

  /**
   * The money's one transaction for a charge that may move it now: limits counted, wallet
   * debited, posting written, then {@code record} writes the charge, its event and the key.
   */
  private Uni<io.farthing.proto.payments.v1.Charge> debitAndRecord(
      Charge charge, ZoneId zone, AllowancePeriod allowance, Record record) {
    boolean capture = !charge.captureLater();
    Instant now = Instant.now();
    return money.accountsFor(charge.partnerClientId(), charge.currency())
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        money.debit(tx, charge, capture, accounts, zone, now, allowance)
                            .chain(
                                debit ->
                                    record.write(
                                        tx,
                                        moved(charge, debit.walletId(), capture),
                                        capture ? OutboxEvent.CHARGE_SUCCEEDED : OutboxEvent.CHARGE_AUTHORIZED,
                                        debit.dailyCapRemainingMinor()))));
  }

  private Charge moved(Charge charge, UUID walletId, boolean capture) {
    Charge withWallet =
        new Charge(
            charge.id(), charge.partnerClientId(), charge.userId(), walletId, charge.currency(), charge.amountMinor(),
            charge.authorizedMinor(), charge.capturedMinor(), charge.refundedMinor(), charge.feeMinor(),
            charge.feeRefundedMinor(), charge.status(), charge.captureLater(), charge.description(),
            charge.metadata(), charge.deviceId(), charge.consentId(), charge.decisionId(), charge.challengeId(),
            charge.failureReason(), charge.holdExpiresAt(), charge.version(), charge.createdAt(), Instant.now(),
            charge.finalSale());
    return capture
        ? copy(withWallet, ChargeStatus.SUCCEEDED, 0, charge.amountMinor(), 0, charge.feeMinor(), 0, null, null, null)
        : copy(withWallet, ChargeStatus.AUTHORIZED, charge.amountMinor(), 0, 0, charge.feeMinor(), 0, null, null,
            Instant.now().plus(config.holds().expiry()));
  }

  /**
   * Stores a refused charge as FAILED with its event (and limit.reached when a limit refused it),
   * completes the key with the refusal so a retry gets it again, and fails with it.
   */
  private Uni<io.farthing.proto.payments.v1.Charge> refuse(Claim.Fresh claim, Charge charge, ApiException refusal) {
    Charge failed =
        copy(charge, ChargeStatus.FAILED, 0, 0, 0, charge.feeMinor(), 0, null, refusal.reason(), null);
    meters.counter("farthing.payments.charges.refused", "reason", refusal.reason()).increment();
    return pool.withTransaction(
            tx ->
                charges
                    .insert(tx, failed)
                    .chain(() -> event(tx, failed, OutboxEvent.CHARGE_FAILED))
                    .chain(() -> limitReached(tx, failed, refusal))
                    .chain(() -> keys.complete(tx, claim, StoredOutcome.failure(failed.id(), refusal))))
        .chain(() -> Uni.createFrom().failure(refusal));
  }

  private Uni<Void> limitReached(SqlConnection tx, Charge charge, ApiException refusal) {
    if (!(refusal instanceof LimitExceeded limit)) {
      return Uni.createFrom().voidItem();
    }
    JsonObject data =
        new JsonObject()
            .put("limit", limit.limit())
            .put("limitMinor", limit.limitMinor())
            .put("currency", charge.currency())
            .put("attemptedMinor", charge.amountMinor())
            .put("chargeId", charge.id().toString());
    return outbox.append(
        tx, OutboxEvent.of(OutboxEvent.LIMIT_REACHED, charge.userId(), null, "user:" + charge.userId(), 0, data));
  }

  // ------------------------------------------------------------------------------------------
  // Confirm, capture, void, refund
  // ------------------------------------------------------------------------------------------

  public Uni<io.farthing.proto.payments.v1.Charge> confirm(
      String partner, String idempotencyKey, UUID chargeId, String stepUpToken) {
    byte[] hash = IdempotencyKeys.hash("ConfirmCharge", chargeId.toString().getBytes(), stepUpToken.getBytes());
    return claimed(
        partner,
        idempotencyKey,
        "ConfirmCharge",
        hash,
        claim ->
            owned(partner, chargeId)
                .chain(
                    charge -> {
                      if (charge.status() != ChargeStatus.REQUIRES_ACTION
                          || charge.holdExpiresAt().isBefore(Instant.now())) {
                        throw ApiException.precondition(
                            "Only a REQUIRES_ACTION charge that has not expired can be confirmed",
                            ChargeStatus.INVALID_STATE);
                      }
                      return auth.consumeStepUpToken(stepUpToken, charge.purpose())
                          .chain(
                              user -> {
                                if (!user.equals(charge.userId())) {
                                  throw ApiException.forbidden(
                                      "The step-up token belongs to another user", "STEP_UP_WRONG_USER");
                                }
                                return auth.user(user);
                              })
                          .chain(standing -> confirmMoney(claim, charge, standing.zone()));
                    }));
  }

  private Uni<io.farthing.proto.payments.v1.Charge> confirmMoney(Claim.Fresh claim, Charge waiting, ZoneId zone) {
    return debitAndRecord(
            waiting,
            zone,
            null,
            (tx, done, eventType, dailyCapRemainingMinor) ->
                transition(tx, waiting, done, eventType, claim, dailyCapRemainingMinor))
        .onFailure(ChargeService::isMoneyRefusal)
        .recoverWithUni(
            e -> {
              ApiException refusal = (ApiException) e;
              Charge failed = copy(waiting, ChargeStatus.FAILED, 0, 0, 0, waiting.feeMinor(), 0, null, refusal.reason(), null);
              return pool.withTransaction(
                      tx ->
                          charges
                              .update(tx, failed, waiting.version(), null)
                              .chain(() -> event(tx, failed, OutboxEvent.CHARGE_FAILED))
                              .chain(() -> limitReached(tx, failed, refusal))
                              .chain(() -> keys.complete(tx, claim, StoredOutcome.failure(waiting.id(), refusal))))
                  .chain(() -> Uni.createFrom().failure(refusal));
            });
  }

  public Uni<io.farthing.proto.payments.v1.Charge> capture(
      String partner, String idempotencyKey, UUID chargeId, Money amount) {
    byte[] hash = IdempotencyKeys.hash("CaptureCharge", chargeId.toString().getBytes(), amount == null ? new byte[0] : amount.toByteArray());
    return claimed(
        partner,
        idempotencyKey,
        "CaptureCharge",
        hash,
        claim ->
            locked(
                partner,
                chargeId,
                (tx, held, accounts) -> {
                  held.status().requireTransition(ChargeStatus.SUCCEEDED, "captured");
                  if (held.status() != ChargeStatus.AUTHORIZED) {
                    throw ApiException.precondition("Only an AUTHORIZED charge is captured", ChargeStatus.INVALID_STATE);
                  }
                  long captureMinor = amount == null ? held.authorizedMinor() : amount.getAmountMinor();
                  if (amount != null && !amount.getCurrency().equals(held.currency())) {
                    throw ApiException.invalid("amount.currency must be the charge's currency", "CURRENCY_MISMATCH");
                  }
                  if (captureMinor <= 0) {
                    throw ApiException.invalid("amount.amount_minor must be greater than zero", "INVALID_AMOUNT");
                  }
                  if (captureMinor > held.authorizedMinor()) {
                    throw ApiException.precondition(
                        "Cannot capture more than the " + held.authorizedMinor() + " authorized", "CAPTURE_EXCEEDS_AUTHORIZED");
                  }
                  return merchants
                      .requireChargeable(held.partnerClientId(), held.currency())
                      .chain(
                          m -> {
                            long fee = m.plan(held.currency()).orElseThrow().feeFor(captureMinor);
                            if (FeePlan.exceedsShare(fee, captureMinor, config.fees().maxShareBps())) {
                              throw ApiException.precondition(
                                  "The fee would take too large a share of this capture", "FEE_TOO_HIGH");
                            }
                            Charge done =
                                copy(held, ChargeStatus.SUCCEEDED, 0, captureMinor, 0, fee, 0, null, null, null);
                            return money.capture(tx, held, captureMinor, fee, accounts)
                                .chain(() -> transition(tx, held, done, OutboxEvent.CHARGE_SUCCEEDED, claim));
                          });
                }));
  }

  public Uni<io.farthing.proto.payments.v1.Charge> voidCharge(String partner, String idempotencyKey, UUID chargeId) {
    return claimed(
        partner,
        idempotencyKey,
        "VoidCharge",
        IdempotencyKeys.hash("VoidCharge", chargeId.toString().getBytes()),
        claim ->
            locked(
                partner,
                chargeId,
                (tx, held, accounts) -> {
                  held.status().requireTransition(ChargeStatus.VOIDED, "voided");
                  Charge done = copy(held, ChargeStatus.VOIDED, 0, 0, 0, 0, 0, null, null, null);
                  return money.release(tx, held, accounts)
                      .chain(() -> transition(tx, held, done, OutboxEvent.CHARGE_VOIDED, claim));
                }));
  }

  public Uni<io.farthing.proto.payments.v1.Refund> refund(
      String partner, String idempotencyKey, UUID chargeId, Money amount, String reason) {
    byte[] hash =
        IdempotencyKeys.hash(
            "RefundCharge", chargeId.toString().getBytes(), amount == null ? new byte[0] : amount.toByteArray(),
            reason.getBytes());
    return claimed(
        partner,
        idempotencyKey,
        "RefundCharge",
        hash,
        io.farthing.proto.payments.v1.Refund::parseFrom,
        claim -> refundLocked(partner, claim, chargeId, Ids.newId(), amount, reason));
  }

  private Uni<io.farthing.proto.payments.v1.Refund> refundLocked(
      String partner, Claim.Fresh claim, UUID chargeId, UUID refundId, Money amount, String reason) {
    return owned(partner, chargeId)
        .chain(c -> money.accountsFor(c.partnerClientId(), c.currency()))
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        charges
                            .lock(tx, chargeId)
                            .map(found -> found.filter(c -> c.partnerClientId().equals(partner)).orElseThrow(ChargeService::notFound))
                            .chain(
                                charge -> {
                                  if (amount != null && !amount.getCurrency().equals(charge.currency())) {
                                    throw ApiException.invalid("amount.currency must be the charge's currency", "CURRENCY_MISMATCH");
                                  }
                                  long refundMinor = amount == null ? charge.refundableMinor() : amount.getAmountMinor();
                                  return refundWithin(tx, charge, refundId, refundMinor, reason, accounts)
                                      .call(
                                          refunded ->
                                              keys.complete(
                                                  tx,
                                                  claim,
                                                  StoredOutcome.success(
                                                      refundId, ChargeMessages.refund(refunded.refund()).toByteArray())));
                                })))
        .invoke(refunded -> reportRefunded(refunded.charge()))
        .map(refunded -> ChargeMessages.refund(refunded.refund()));
  }

  /** A refund as {@link #refundWithin} wrote it: the charge after it and the refund row. */
  public record Refunded(Charge charge, Refund refund) {}

  /**
   * Refunds {@code refundMinor} of a charge the caller has locked ({@link ChargeRepository#lock})
   * in {@code tx}: the fee's share returned by {@link Fees#feeToReturn}, the posting, the refund
   * row, the charge moved on and {@code charge.refunded} (with {@code reason}) appended, all in the
   * caller's transaction. Partner refunds, undo and disputes all refund through here, so the
   * charge's lock and its version keep them from ever refunding more than was captured.
   */
  public Uni<Refunded> refundWithin(
      SqlConnection tx, Charge charge, UUID refundId, long refundMinor, String reason,
      ChargeMoney.ChargeAccounts accounts) {
    if (charge.status() != ChargeStatus.SUCCEEDED && charge.status() != ChargeStatus.PARTIALLY_REFUNDED) {
      throw ApiException.precondition("A " + charge.status() + " charge cannot be refunded", ChargeStatus.INVALID_STATE);
    }
    if (refundMinor <= 0) {
      throw ApiException.invalid("amount.amount_minor must be greater than zero", "INVALID_AMOUNT");
    }
    if (refundMinor > charge.refundableMinor()) {
      throw ApiException.precondition(
          "Only " + charge.refundableMinor() + " is left to refund", "REFUND_EXCEEDS_CAPTURED");
    }
    long feeBack =
        Fees.feeToReturn(
            charge.feeMinor(), charge.capturedMinor(), charge.refundedMinor(), refundMinor, charge.feeRefundedMinor());
    long refundedAfter = charge.refundedMinor() + refundMinor;
    ChargeStatus next =
        refundedAfter == charge.capturedMinor() ? ChargeStatus.REFUNDED : ChargeStatus.PARTIALLY_REFUNDED;
    charge.status().requireTransition(next, "refunded");
    Charge done =
        copy(charge, next, charge.authorizedMinor(), charge.capturedMinor(), refundedAfter, charge.feeMinor(),
            charge.feeRefundedMinor() + feeBack, null, null, null);
    Refund refund = new Refund(refundId, charge.id(), charge.currency(), refundMinor, feeBack, reason, Instant.now());
    return money.refund(tx, charge, refundId, refundMinor, feeBack, accounts)
        .chain(() -> charges.insertRefund(tx, refund))
        .chain(() -> charges.update(tx, done, charge.version(), null))
        .chain(
            updated -> {
              if (!updated) {
                throw new IllegalStateException("a locked charge changed version");
              }
              Charge stored = withVersion(done, charge.version() + 1);
              return eventData(tx, done, null)
                  .chain(
                      data ->
                          outbox.append(
                              tx,
                              OutboxEvent.of(
                                  OutboxEvent.CHARGE_REFUNDED, done.userId(), done.partnerClientId(),
                                  "charge:" + done.id(), done.version() + 1L,
                                  data.put("refundId", refundId.toString())
                                      .put("refundMinor", refundMinor)
                                      .put("feeReturnedMinor", feeBack)
                                      .put("reason", reason))))
                  .replaceWith(new Refunded(stored, refund));
            });
  }

  /** Tells risk-svc, after the commit, that a charge was refunded (best effort: the merchant's refund rate). */
  public void reportRefunded(Charge charge) {
    risk.reportRefunded(charge.decisionId()).subscribe().with(ignored -> {});
  }

  // ------------------------------------------------------------------------------------------
  // Reads
  // ------------------------------------------------------------------------------------------

  public Uni<Charge> get(String partner, UUID chargeId) {
    return owned(partner, chargeId);
  }

  /** A user's own charge; another user's is NOT_FOUND. */
  public Uni<Charge> getForUser(UUID userId, UUID chargeId) {
    return charges
        .find(chargeId)
        .map(found -> found.filter(c -> c.userId().equals(userId)).orElseThrow(ChargeService::notFound));
  }

  public Uni<Charge> byIdempotencyKey(String partner, String idempotencyKey) {
    return keys.resourceOf(partner, IdempotencyKeys.requireKey(idempotencyKey, "idempotency_key"), OP_CREATE)
        .chain(
            found ->
                found.isEmpty()
                    ? Uni.createFrom()
                        .failure(
                            ApiException.notFound(
                                "No completed CreateCharge has this idempotency key", IdempotencyKeys.KEY_NOT_FOUND))
                    : owned(partner, found.get()));
  }

  public Uni<List<Charge>> list(
      String partner, UUID userId, ChargeStatus status, UUID before, Instant from, Instant to, int limit) {
    return charges.list(partner, userId, status, before, from, to, limit);
  }

  public Uni<io.farthing.proto.payments.v1.FeeQuote> quote(String partner, long amountMinor, String currency) {
    return merchants
        .requireChargeable(partner, currency)
        .map(
            m -> {
              long fee = m.plan(currency).orElseThrow().feeFor(amountMinor);
              if (FeePlan.exceedsShare(fee, amountMinor, config.fees().maxShareBps())) {
                throw ApiException.precondition("The fee would take too large a share of this amount", "FEE_TOO_HIGH");
              }
              return io.farthing.proto.payments.v1.FeeQuote.newBuilder()
                  .setAmount(ChargeMessages.money(amountMinor, currency))
                  .setFee(ChargeMessages.money(fee, currency))
                  .setNet(ChargeMessages.money(amountMinor - fee, currency))
                  .build();
            });
  }

  // ------------------------------------------------------------------------------------------
  // Expiry (called by HoldExpiry on every replica; SKIP LOCKED shares the work)
  // ------------------------------------------------------------------------------------------

  /** Releases holds and expires challenges past their time; returns how many charges expired. */
  public Uni<Integer> expireDue(int batch) {
    return pool.withTransaction(
        tx ->
            charges
                .lockDue(tx, batch)
                .chain(
                    ids -> {
                      Uni<Integer> chain = Uni.createFrom().item(0);
                      for (UUID id : ids) {
                        chain = chain.chain(n -> expireOne(tx, id).map(expired -> n + (expired ? 1 : 0)));
                      }
                      return chain;
                    }));
  }

  private Uni<Boolean> expireOne(SqlConnection tx, UUID id) {
    return charges
        .lock(tx, id)
        .chain(
            found -> {
              if (found.isEmpty() || !found.get().status().canMoveTo(ChargeStatus.EXPIRED)) {
                return Uni.createFrom().item(false);
              }
              Charge charge = found.get();
              Charge expired = copy(charge, ChargeStatus.EXPIRED, 0, 0, 0, 0, 0, null, "EXPIRED", null);
              Uni<Void> release =
                  charge.status() == ChargeStatus.AUTHORIZED
                      ? money.accountsFor(charge.partnerClientId(), charge.currency())
                          .chain(accounts -> money.release(tx, charge, accounts))
                      : Uni.createFrom().voidItem();
              return release
                  .chain(() -> charges.update(tx, expired, charge.version(), null))
                  .chain(() -> event(tx, expired, OutboxEvent.CHARGE_EXPIRED))
                  .replaceWith(true);
            });
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  private interface LockedWork {
    Uni<io.farthing.proto.payments.v1.Charge> apply(
        SqlConnection tx, Charge charge, ChargeMoney.ChargeAccounts accounts);
  }

  /** Runs {@code work} on the partner's charge, locked in a transaction. */
  private Uni<io.farthing.proto.payments.v1.Charge> locked(String partner, UUID chargeId, LockedWork work) {
    return owned(partner, chargeId)
        .chain(c -> money.accountsFor(c.partnerClientId(), c.currency()))
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        charges
                            .lock(tx, chargeId)
                            .map(found -> found.orElseThrow(ChargeService::notFound))
                            .chain(charge -> work.apply(tx, charge, accounts))));
  }

  /**
   * Claims the key, runs {@code work} for a fresh claim, replays a stored outcome otherwise. A
   * refusal (ApiException other than UNAVAILABLE) that {@code work} did not store itself is stored
   * here, so the same retry gets the same answer; anything transient releases the key.
   */
  private Uni<io.farthing.proto.payments.v1.Charge> claimed(
      String partner,
      String idempotencyKey,
      String operation,
      byte[] hash,
      Function<Claim.Fresh, Uni<io.farthing.proto.payments.v1.Charge>> work) {
    return claimed(partner, idempotencyKey, operation, hash, io.farthing.proto.payments.v1.Charge::parseFrom, work);
  }

  private <T> Uni<T> claimed(
      String partner,
      String idempotencyKey,
      String operation,
      byte[] hash,
      GrpcIdempotency.Parser<T> parser,
      Function<Claim.Fresh, Uni<T>> work) {
    return grpcIdempotency.run(partner, idempotencyKey, operation, hash, parser, work);
  }

  private Uni<io.farthing.proto.payments.v1.Charge> transition(
      SqlConnection tx, Charge from, Charge to, String eventType, Claim.Fresh claim) {
    return transition(tx, from, to, eventType, claim, null);
  }

  private Uni<io.farthing.proto.payments.v1.Charge> transition(
      SqlConnection tx, Charge from, Charge to, String eventType, Claim.Fresh claim, Long dailyCapRemainingMinor) {
    from.status().requireTransition(to.status(), "moved to " + to.status());
    return charges
        .update(tx, to, from.version(), null)
        .chain(
            updated -> {
              if (!updated) {
                return Uni.createFrom()
                    .failure(
                        new ApiException(
                            ApiException.Kind.IN_PROGRESS, "CHARGE_CHANGED", "The charge changed meanwhile; retry", 1L));
              }
              Charge stored = withVersion(to, from.version() + 1);
              return event(tx, stored, eventType, dailyCapRemainingMinor)
                  .chain(() -> completeWith(tx, claim, stored));
            });
  }

  /** Completes the key with the charge as the response (built once: stored and answered). */
  private Uni<io.farthing.proto.payments.v1.Charge> completeWith(SqlConnection tx, Claim.Fresh claim, Charge charge) {
    io.farthing.proto.payments.v1.Charge message = ChargeMessages.charge(charge);
    return keys.complete(tx, claim, StoredOutcome.success(charge.id(), message.toByteArray())).replaceWith(message);
  }

  private Uni<Void> event(SqlConnection tx, Charge charge, String type) {
    return event(tx, charge, type, null);
  }

  /**
   * Appends a charge event. {@code dailyCapRemainingMinor} is what the money's transaction left
   * of the user's daily cap (only known where it counted the spending: a new or confirmed
   * charge); null leaves it out.
   */
  private Uni<Void> event(SqlConnection tx, Charge charge, String type, Long dailyCapRemainingMinor) {
    return eventData(tx, charge, dailyCapRemainingMinor)
        .chain(
            data ->
                outbox.append(
                    tx,
                    OutboxEvent.of(
                        type, charge.userId(), charge.partnerClientId(), "charge:" + charge.id(), charge.version(),
                        data)));
  }

  /** The event data of a charge, with the merchant's display name (no connection but {@code tx}). */
  private Uni<JsonObject> eventData(SqlConnection tx, Charge charge, Long dailyCapRemainingMinor) {
    return merchants
        .displayName(tx, charge.partnerClientId())
        .map(name -> ChargeMessages.event(charge, name.orElse(null), dailyCapRemainingMinor));
  }

  private Uni<Charge> owned(String partner, UUID chargeId) {
    return charges
        .find(chargeId)
        .map(found -> found.filter(c -> c.partnerClientId().equals(partner)).orElseThrow(ChargeService::notFound));
  }

  static ApiException notFound() {
    return ApiException.notFound("No such charge", CHARGE_NOT_FOUND);
  }

  /** Refusals that come out of the money transaction (it rolled back): the charge is FAILED. */
  private static boolean isMoneyRefusal(Throwable e) {
    return e instanceof LimitExceeded
        || (e instanceof ApiException api
            && (ChargeMoney.INSUFFICIENT_FUNDS.equals(api.reason())
                || Allowances.ALLOWANCE_EXCEEDED.equals(api.reason())
                || io.farthing.payments.limit.Limits.CURRENCY_NOT_SUPPORTED.equals(api.reason())));
  }

  private ScoreRequest scoreRequest(Charge charge, Merchant merchant, UserStanding user, int kycTier) {
    return io.farthing.payments.client.ScoreRequests.inApp(
        charge.id(), charge.userId(), merchant, charge.amountMinor(), charge.currency(), user, kycTier,
        charge.deviceId());
  }

  private static final class StepUpUnavailable extends RuntimeException {
    final ApiException refusal;

    StepUpUnavailable(ApiException refusal) {
      super(refusal.getMessage(), null, false, false);
      this.refusal = refusal;
    }
  }

  private static Charge withFee(Charge c, long fee, String consentId) {
    return new Charge(
        c.id(), c.partnerClientId(), c.userId(), c.walletId(), c.currency(), c.amountMinor(), c.authorizedMinor(),
        c.capturedMinor(), c.refundedMinor(), fee, c.feeRefundedMinor(), c.status(), c.captureLater(),
        c.description(), c.metadata(), c.deviceId(), consentId, c.decisionId(), c.challengeId(), c.failureReason(),
        c.holdExpiresAt(), c.version(), c.createdAt(), c.updatedAt(), c.finalSale());
  }

  private static Charge withDecision(Charge c, String decisionId) {
    return new Charge(
        c.id(), c.partnerClientId(), c.userId(), c.walletId(), c.currency(), c.amountMinor(), c.authorizedMinor(),
        c.capturedMinor(), c.refundedMinor(), c.feeMinor(), c.feeRefundedMinor(), c.status(), c.captureLater(),
        c.description(), c.metadata(), c.deviceId(), c.consentId(),
        decisionId == null || decisionId.isEmpty() ? null : decisionId, c.challengeId(), c.failureReason(),
        c.holdExpiresAt(), c.version(), c.createdAt(), c.updatedAt(), c.finalSale());
  }

  private static Charge withVersion(Charge c, int version) {
    return new Charge(
        c.id(), c.partnerClientId(), c.userId(), c.walletId(), c.currency(), c.amountMinor(), c.authorizedMinor(),
        c.capturedMinor(), c.refundedMinor(), c.feeMinor(), c.feeRefundedMinor(), c.status(), c.captureLater(),
        c.description(), c.metadata(), c.deviceId(), c.consentId(), c.decisionId(), c.challengeId(),
        c.failureReason(), c.holdExpiresAt(), version, c.createdAt(), Instant.now(), c.finalSale());
  }

  /** The charge in a new state with new amounts; null challenge/failure/hold keep nothing. */
  private static Charge copy(
      Charge c, ChargeStatus status, long authorized, long captured, long refunded, long fee, long feeRefunded,
      String challengeId, String failureReason, Instant holdExpiresAt) {
    return new Charge(
        c.id(), c.partnerClientId(), c.userId(), c.walletId(), c.currency(), c.amountMinor(), authorized, captured,
        refunded, fee, feeRefunded, status, c.captureLater(), c.description(), c.metadata(), c.deviceId(),
        c.consentId(), c.decisionId(), challengeId == null ? c.challengeId() : challengeId, failureReason,
        holdExpiresAt, c.version(), c.createdAt(), Instant.now(), c.finalSale());
  }

}
