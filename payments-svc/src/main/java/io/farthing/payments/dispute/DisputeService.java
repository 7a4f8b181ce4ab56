package io.farthing.payments.dispute;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.Charge;
import io.farthing.payments.charge.ChargeMoney;
import io.farthing.payments.charge.ChargeRepository;
import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.charge.ChargeStatus;
import io.farthing.payments.client.RiskOutcomes;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.GrpcIdempotency;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.farthing.payments.idempotency.StoredOutcome;
import io.farthing.payments.merchant.MerchantService;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.farthing.payments.undo.UndoRepository;
import io.farthing.proto.risk.v1.Outcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Disputes: a user opens one on a captured charge (refunded at once below the instant-refund
 * amount), the merchant sends evidence or accepts over gRPC, support decides, and an OPEN dispute
 * whose evidence is overdue is LOST. Every change is one transaction under the dispute's row lock
 * (and, when money moves, the charge's: dispute first, then charge, on every path), so a support
 * decision racing the merchant's acceptance or the janitor on any replica resolves once and
 * refunds once. A LOST dispute refunds through {@link ChargeService#refundWithin}, the path
 * partner refunds and undo take, so together they never refund more than was captured. The
 * outcome for risk-svc is written in the same transaction ({@link RiskOutcomes}).
 */
@ApplicationScoped
public class DisputeService {
  public static final String OP_OPEN = "OpenDispute";
  public static final String OP_EVIDENCE = "SubmitEvidence";
  public static final String OP_ACCEPT = "AcceptDispute";
  /** The reason on the refund and its charge.refunded event. */
  public static final String REFUND_REASON = "dispute";
  public static final String DISPUTE_NOT_FOUND = "DISPUTE_NOT_FOUND";
  public static final String DISPUTE_EXISTS = "DISPUTE_EXISTS";
  public static final String DISPUTE_WINDOW_PASSED = "DISPUTE_WINDOW_PASSED";
  public static final String EVIDENCE_OVERDUE = "EVIDENCE_OVERDUE";
  /** resolved_by of decisions nobody made by hand (instant refunds, overdue evidence). */
  static final String SYSTEM = "system";

  /** A user's dispute as asked for. */
  public record NewDispute(UUID chargeId, DisputeStatus.Reason reason, String note) {}

  /** One change of a locked dispute, with the charge's accounts at hand. */
  private interface Change<T> {
    Uni<T> apply(SqlConnection tx, Dispute dispute, ChargeMoney.ChargeAccounts accounts);
  }

  private final Pool pool;
  private final ChargeRepository chargeRows;
  private final ChargeService charges;
  private final ChargeMoney money;
  private final UndoRepository captures;
  private final DisputeRepository disputes;
  private final RiskOutcomes outcomes;
  private final Outbox outbox;
  private final MerchantService merchants;
  private final RestIdempotency rest;
  private final GrpcIdempotency grpc;
  private final IdempotencyKeys keys;
  private final DisputesConfig config;
  private final MeterRegistry meters;

  public DisputeService(
      Pool pool, ChargeRepository chargeRows, ChargeService charges, ChargeMoney money, UndoRepository captures,
      DisputeRepository disputes, RiskOutcomes outcomes, Outbox outbox, MerchantService merchants,
      RestIdempotency rest, GrpcIdempotency grpc, IdempotencyKeys keys, DisputesConfig config, MeterRegistry meters) {
    if (config.instantRefundBelowMinor() < 0 || config.evidenceWindow().isNegative() || config.window().isNegative()) {
      throw new IllegalStateException(
          "payments.disputes.instant-refund-below-minor, window and evidence-window must not be negative");
    }
    this.pool = pool;
    this.chargeRows = chargeRows;
    this.charges = charges;
    this.money = money;
    this.captures = captures;
    this.disputes = disputes;
    this.outcomes = outcomes;
    this.outbox = outbox;
    this.merchants = merchants;
    this.rest = rest;
    this.grpc = grpc;
    this.keys = keys;
    this.config = config;
    this.meters = meters;
  }

  // ------------------------------------------------------------------------------------------
  // Open (the user, REST)
  // ------------------------------------------------------------------------------------------

  /** Opens a dispute on the user's own charge: 201 with the dispute (already LOST if instant). */
  public Uni<Reply> open(UUID userId, String idempotencyKey, NewDispute request) {
    return rest.run(
        RestIdempotency.userCaller(userId),
        idempotencyKey,
        OP_OPEN,
        IdempotencyKeys.hash(
            OP_OPEN, bytes(request.chargeId().toString()), bytes(request.reason().name()), bytes(request.note())),
        claim -> openClaimed(claim, userId, request));
  }

  private Uni<Reply> openClaimed(Claim.Fresh claim, UUID userId, NewDispute request) {
    return charges
        .getForUser(userId, request.chargeId())
        .chain(c -> money.accountsFor(c.partnerClientId(), c.currency()))
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        chargeRows
                            .lock(tx, request.chargeId())
                            .map(Optional::orElseThrow)
                            .call(charge -> requireDisputable(tx, charge))
                            .chain(charge -> start(tx, charge, request, accounts))
                            .chain(
                                d -> {
                                  Reply reply = rest.reply(201, "/v1/disputes/" + d.id(), DisputeView.forUser(d, List.of()));
                                  return keys.complete(tx, claim, rest.stored(d.id(), reply)).replaceWith(reply);
                                })));
  }

  /** The refusals, in the order a user can act on them: disputed already, nothing to dispute, too late. */
  private Uni<Void> requireDisputable(SqlConnection tx, Charge charge) {
    return disputes
        .ofCharge(tx, charge.id())
        .chain(
            existing -> {
              if (existing.isPresent()) {
                throw ApiException.conflict(
                    "This charge has been disputed already (dispute " + existing.get().id() + ")", DISPUTE_EXISTS);
              }
              if (!refundable(charge) || charge.refundableMinor() == 0) {
                throw ApiException.precondition(
                    "Only a captured charge with money left to refund can be disputed; this one is " + charge.status(),
                    ChargeStatus.INVALID_STATE);
              }
              return captures.capturedAt(tx, charge.id());
            })
        .map(
            capturedAt -> {
              if (!now().isBefore(capturedAt.orElseThrow().plus(config.window()))) {
                throw ApiException.precondition(
                    "A charge can be disputed for " + config.window().toDays() + " days after payment",
                    DISPUTE_WINDOW_PASSED);
              }
              return null;
            });
  }

  /** Below the instant-refund amount: refunded and LOST at once; otherwise OPEN for evidence. */
  private Uni<Dispute> start(SqlConnection tx, Charge charge, NewDispute request, ChargeMoney.ChargeAccounts accounts) {
    Instant now = now();
    long amount = charge.refundableMinor();
    Dispute open =
        new Dispute(
            Ids.newId(), charge.id(), charge.userId(), charge.partnerClientId(), charge.currency(), amount,
            request.reason(), request.note(), DisputeStatus.OPEN, null, 0, null, "", null,
            now.plus(config.evidenceWindow()), null, charge.decisionId(), 0, now, now);
    if (amount >= config.instantRefundBelow(charge.currency())) {
      meters.counter("farthing.payments.disputes.opened", "instant", "false").increment();
      return disputes.insert(tx, open).chain(() -> event(tx, open, OutboxEvent.DISPUTE_OPENED)).replaceWith(open);
    }
    meters.counter("farthing.payments.disputes.opened", "instant", "true").increment();
    UUID refundId = Ids.newId();
    Dispute lost =
        new Dispute(
            open.id(), open.chargeId(), open.userId(), open.partnerClientId(), open.currency(), amount, open.reason(),
            open.userNote(), DisputeStatus.LOST, DisputeStatus.Resolution.INSTANT_REFUND, amount, refundId, "", SYSTEM,
            open.evidenceDueAt(), now, open.decisionId(), 0, now, now);
    return charges
        .refundWithin(tx, charge, refundId, amount, REFUND_REASON, accounts)
        .chain(() -> disputes.insert(tx, lost))
        .chain(() -> resolvedEffects(tx, lost))
        .replaceWith(lost);
  }

  // ------------------------------------------------------------------------------------------
  // The merchant (gRPC)
  // ------------------------------------------------------------------------------------------

  /** Adds evidence; an OPEN dispute goes UNDER_REVIEW. */
  public Uni<io.farthing.proto.payments.v1.Dispute> submitEvidence(
      String partner, String idempotencyKey, byte[] requestHash, UUID disputeId, String summary, List<String> refs) {
    return grpc.run(
        partner,
        idempotencyKey,
        OP_EVIDENCE,
        IdempotencyKeys.hash(OP_EVIDENCE, requestHash, bytes(partner)),
        io.farthing.proto.payments.v1.Dispute::parseFrom,
        claim ->
            changing(
                disputeId,
                d -> d.partnerClientId().equals(partner),
                (tx, d, accounts) -> {
                  Instant now = now();
                  d.status().requireTransition(DisputeStatus.UNDER_REVIEW);
                  if (d.status() == DisputeStatus.OPEN && !now.isBefore(d.evidenceDueAt())) {
                    throw ApiException.precondition(
                        "The evidence was due by " + d.evidenceDueAt() + "; the dispute is being resolved as LOST",
                        EVIDENCE_OVERDUE);
                  }
                  Dispute next = d.underReview(now);
                  return disputes
                      .insertEvidence(tx, new Dispute.Evidence(Ids.newId(), d.id(), summary, refs, now))
                      .chain(() -> disputes.update(tx, next))
                      .chain(() -> event(tx, next, OutboxEvent.DISPUTE_UPDATED))
                      .chain(() -> completeWith(tx, claim, next));
                }));
  }

  /** The merchant gives in: LOST and refunded now; accepting a LOST dispute answers it as it is. */
  public Uni<io.farthing.proto.payments.v1.Dispute> accept(String partner, String idempotencyKey, UUID disputeId) {
    return grpc.run(
        partner,
        idempotencyKey,
        OP_ACCEPT,
        IdempotencyKeys.hash(OP_ACCEPT, bytes(disputeId.toString()), bytes(partner)),
        io.farthing.proto.payments.v1.Dispute::parseFrom,
        claim ->
            changing(
                disputeId,
                d -> d.partnerClientId().equals(partner),
                (tx, d, accounts) ->
                    (d.status() == DisputeStatus.LOST
                            ? Uni.createFrom().item(d)
                            : lose(tx, d, accounts, DisputeStatus.Resolution.MERCHANT_ACCEPTED, "", "partner:" + partner))
                        .chain(decided -> completeWith(tx, claim, decided))));
  }

  public Uni<io.farthing.proto.payments.v1.Dispute> get(String partner, UUID disputeId) {
    return owned(disputeId, d -> d.partnerClientId().equals(partner))
        .chain(d -> disputes.evidence(d.id()).map(evidence -> DisputeMessages.dispute(d, evidence)));
  }

  public Uni<List<Dispute>> listForPartner(String partner, DisputeStatus status, UUID before, int limit) {
    return disputes.list(DisputeRepository.Owner.partner(partner), status, before, limit);
  }

  // ------------------------------------------------------------------------------------------
  // Support (admin REST)
  // ------------------------------------------------------------------------------------------

  /**
   * Support decides: WON (the merchant keeps the money) or LOST (refunded). Deciding a dispute
   * the way it was already decided answers it as it is; the other way is DISPUTE_RESOLVED.
   */
  public Uni<DisputeView> resolve(String supportId, UUID disputeId, DisputeStatus outcome, String note) {
    if (!outcome.resolved()) {
      throw ApiException.invalid("outcome must be WON or LOST", "INVALID_OUTCOME");
    }
    String by = "support:" + supportId;
    return changing(
            disputeId,
            d -> true,
            (tx, d, accounts) -> {
              if (d.status() == outcome) {
                return Uni.createFrom().item(d);
              }
              d.status().requireTransition(outcome);
              return outcome == DisputeStatus.WON
                  ? win(tx, d, note, by)
                  : lose(tx, d, accounts, DisputeStatus.Resolution.REVIEWED, note, by);
            })
        .chain(d -> disputes.evidence(d.id()).map(evidence -> DisputeView.forSupport(d, evidence)));
  }

  public Uni<DisputeView> getForSupport(UUID disputeId) {
    return owned(disputeId, d -> true)
        .chain(d -> disputes.evidence(d.id()).map(evidence -> DisputeView.forSupport(d, evidence)));
  }

  public Uni<List<Dispute>> listForSupport(String partner, DisputeStatus status, UUID before, int limit) {
    return disputes.list(new DisputeRepository.Owner(null, partner), status, before, limit);
  }

  // ------------------------------------------------------------------------------------------
  // The user's reads
  // ------------------------------------------------------------------------------------------

  public Uni<DisputeView> getForUser(UUID userId, UUID disputeId) {
    return owned(disputeId, d -> d.userId().equals(userId))
        .chain(d -> disputes.evidence(d.id()).map(evidence -> DisputeView.forUser(d, evidence)));
  }

  public Uni<List<Dispute>> listForUser(UUID userId, DisputeStatus status, UUID before, int limit) {
    return disputes.list(DisputeRepository.Owner.user(userId), status, before, limit);
  }

  // ------------------------------------------------------------------------------------------
  // Overdue evidence (the janitor)
  // ------------------------------------------------------------------------------------------

  /**
   * Resolves one OPEN dispute past its evidence deadline as LOST (NO_EVIDENCE). Safe on every
   * replica at once: a dispute another transaction holds is skipped, one already moved on is left.
   */
  public Uni<Boolean> loseIfOverdue(UUID disputeId) {
    return disputes
        .find(disputeId)
        .chain(
            found ->
                found.isEmpty()
                    ? Uni.createFrom().item(false)
                    : money.accountsFor(found.get().partnerClientId(), found.get().currency())
                        .chain(
                            accounts ->
                                pool.withTransaction(
                                    tx ->
                                        disputes
                                            .lockUnlessBusy(tx, disputeId)
                                            .chain(
                                                locked -> {
                                                  if (locked.isEmpty()
                                                      || locked.get().status() != DisputeStatus.OPEN
                                                      || locked.get().evidenceDueAt().isAfter(now())) {
                                                    return Uni.createFrom().item(false);
                                                  }
                                                  return lose(
                                                          tx, locked.get(), accounts,
                                                          DisputeStatus.Resolution.NO_EVIDENCE, "", SYSTEM)
                                                      .replaceWith(true);
                                                }))));
  }

  /** One janitor pass: resolves up to {@code batch} overdue disputes; returns how many. */
  public Uni<Integer> loseOverdue(int batch) {
    return disputes
        .evidenceOverdue(batch)
        .chain(
            ids -> {
              Uni<Integer> chain = Uni.createFrom().item(0);
              for (UUID id : ids) {
                chain = chain.chain(n -> loseIfOverdue(id).map(lost -> n + (lost ? 1 : 0)));
              }
              return chain;
            });
  }

  // ------------------------------------------------------------------------------------------
  // Decisions
  // ------------------------------------------------------------------------------------------

  private Uni<Dispute> win(SqlConnection tx, Dispute d, String note, String by) {
    Dispute won =
        d.resolved(DisputeStatus.WON, DisputeStatus.Resolution.REVIEWED, 0, null, note, by, now());
    return disputes.update(tx, won).chain(() -> resolvedEffects(tx, won)).replaceWith(won);
  }

  /**
   * LOST: what is still refundable of the disputed amount (the merchant or an undo may have
   * refunded some meanwhile) is refunded under the charge's lock, taken after the dispute's.
   */
  private Uni<Dispute> lose(
      SqlConnection tx, Dispute d, ChargeMoney.ChargeAccounts accounts, DisputeStatus.Resolution how, String note,
      String by) {
    d.status().requireTransition(DisputeStatus.LOST);
    return chargeRows
        .lock(tx, d.chargeId())
        .map(Optional::orElseThrow)
        .chain(
            charge -> {
              Instant now = now();
              long refund = refundable(charge) ? Math.min(d.amountMinor(), charge.refundableMinor()) : 0;
              if (refund == 0) {
                Dispute lost = d.resolved(DisputeStatus.LOST, how, 0, null, note, by, now);
                return disputes.update(tx, lost).chain(() -> resolvedEffects(tx, lost)).replaceWith(lost);
              }
              UUID refundId = Ids.newId();
              Dispute lost = d.resolved(DisputeStatus.LOST, how, refund, refundId, note, by, now);
              return charges
                  .refundWithin(tx, charge, refundId, refund, REFUND_REASON, accounts)
                  .chain(() -> disputes.update(tx, lost))
                  .chain(() -> resolvedEffects(tx, lost))
                  .replaceWith(lost);
            });
  }

  private static boolean refundable(Charge charge) {
    return charge.status() == ChargeStatus.SUCCEEDED || charge.status() == ChargeStatus.PARTIALLY_REFUNDED;
  }

  /** dispute.resolved and the outcome for risk-svc, in the decision's transaction. */
  private Uni<Void> resolvedEffects(SqlConnection tx, Dispute d) {
    meters.counter("farthing.payments.disputes.resolved", "status", d.status().name(), "resolution", d.resolution().name())
        .increment();
    Outcome outcome = d.status() == DisputeStatus.WON ? Outcome.OUTCOME_DISPUTE_WON : Outcome.OUTCOME_DISPUTE_LOST;
    return event(tx, d, OutboxEvent.DISPUTE_RESOLVED)
        .chain(() -> outcomes.append(tx, d.decisionId(), outcome, "dispute:" + d.id()));
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  /** Reads the dispute for its owner, gets the charge's accounts, then changes it under its lock. */
  private <T> Uni<T> changing(UUID disputeId, Predicate<Dispute> owner, Change<T> change) {
    return owned(disputeId, owner)
        .chain(seen -> money.accountsFor(seen.partnerClientId(), seen.currency()))
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        disputes
                            .lock(tx, disputeId)
                            .map(Optional::orElseThrow)
                            .chain(d -> change.apply(tx, d, accounts))));
  }

  private Uni<Dispute> owned(UUID disputeId, Predicate<Dispute> owner) {
    return disputes.find(disputeId).map(found -> found.filter(owner).orElseThrow(DisputeService::notFound));
  }

  private Uni<io.farthing.proto.payments.v1.Dispute> completeWith(SqlConnection tx, Claim.Fresh claim, Dispute d) {
    return disputes
        .evidence(tx, d.id())
        .chain(
            evidence -> {
              var message = DisputeMessages.dispute(d, evidence);
              return keys.complete(tx, claim, StoredOutcome.success(d.id(), message.toByteArray())).replaceWith(message);
            });
  }

  private Uni<Void> event(SqlConnection tx, Dispute d, String type) {
    return merchants
        .displayName(tx, d.partnerClientId())
        .chain(
            name ->
                outbox.append(
                    tx,
                    OutboxEvent.of(
                        type, d.userId(), d.partnerClientId(), "dispute:" + d.id(), d.version(),
                        DisputeMessages.event(d, name.orElse(null)))));
  }

  /** Now, at the database's precision, so a first answer and a later read of it agree. */
  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  static ApiException notFound() {
    return ApiException.notFound("No such dispute", DISPUTE_NOT_FOUND);
  }

  private static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
