package io.farthing.payments.undo;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.payments.charge.Charge;
import io.farthing.payments.charge.ChargeMoney;
import io.farthing.payments.charge.ChargeRepository;
import io.farthing.payments.charge.ChargeService;
import io.farthing.payments.charge.ChargeStatus;
import io.farthing.payments.charge.rest.ChargeView;
import io.farthing.payments.idempotency.Claim;
import io.farthing.payments.idempotency.IdempotencyKeys;
import io.farthing.payments.idempotency.RestIdempotency;
import io.farthing.payments.idempotency.RestIdempotency.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * A user's undo of an accidental purchase: within {@code payments.undo.window} of the capture,
 * unless the merchant marked it a final sale, whatever is left to refund goes back to the wallet
 * at once through the charge's own refund path ({@link ChargeService#refundWithin}: the fee's
 * share returned, {@code charge.refunded} with reason "undo"). The charge row is locked for the
 * check and the money, so an undo racing a partner refund or another undo never refunds more than
 * was captured; the key's stored answer makes a retry the first answer again.
 */
@ApplicationScoped
public class UndoService {
  public static final String OP_UNDO = "UndoCharge";
  public static final String REASON = "undo";
  public static final String UNDO_WINDOW_PASSED = "UNDO_WINDOW_PASSED";
  public static final String NOT_UNDOABLE = "NOT_UNDOABLE";

  private final Pool pool;
  private final ChargeRepository chargeRows;
  private final ChargeService charges;
  private final ChargeMoney money;
  private final UndoRepository undos;
  private final RestIdempotency idempotency;
  private final IdempotencyKeys keys;
  private final UndoConfig config;
  private final MeterRegistry meters;

  public UndoService(
      Pool pool,
      ChargeRepository chargeRows,
      ChargeService charges,
      ChargeMoney money,
      UndoRepository undos,
      RestIdempotency idempotency,
      IdempotencyKeys keys,
      UndoConfig config,
      MeterRegistry meters) {
    if (config.window().isNegative() || config.window().compareTo(UndoConfig.MAX_WINDOW) > 0) {
      throw new IllegalStateException("payments.undo.window must be between PT0S and " + UndoConfig.MAX_WINDOW);
    }
    this.pool = pool;
    this.chargeRows = chargeRows;
    this.charges = charges;
    this.money = money;
    this.undos = undos;
    this.idempotency = idempotency;
    this.keys = keys;
    this.config = config;
    this.meters = meters;
  }

  /** Undoes the user's own charge; answers 200 with the charge as GET /v1/charges/{id} shows it. */
  public Uni<Reply> undo(UUID userId, String idempotencyKey, UUID chargeId) {
    return idempotency.run(
        RestIdempotency.userCaller(userId),
        idempotencyKey,
        OP_UNDO,
        IdempotencyKeys.hash(OP_UNDO, chargeId.toString().getBytes()),
        claim -> undoClaimed(claim, userId, chargeId));
  }

  private Uni<Reply> undoClaimed(Claim.Fresh claim, UUID userId, UUID chargeId) {
    return charges
        .getForUser(userId, chargeId)
        .chain(c -> money.accountsFor(c.partnerClientId(), c.currency()))
        .chain(
            accounts ->
                pool.withTransaction(
                    tx ->
                        chargeRows
                            .lock(tx, chargeId)
                            .map(found -> found.orElseThrow())
                            .call(charge -> requireUndoable(tx, charge))
                            .chain(
                                charge ->
                                    charges.refundWithin(
                                        tx, charge, Ids.newId(), charge.refundableMinor(), REASON, accounts))
                            .chain(refunded -> answer(tx, claim, refunded.charge()))))
        .invoke(
            answer -> {
              meters.counter("farthing.payments.undos").increment();
              charges.reportRefunded(answer.charge());
            })
        .map(Answered::reply);
  }

  private record Answered(Reply reply, Charge charge) {}

  private Uni<Answered> answer(SqlConnection tx, Claim.Fresh claim, Charge undone) {
    Reply reply = idempotency.reply(200, null, ChargeView.of(undone));
    return keys.complete(tx, claim, idempotency.stored(undone.id(), reply)).replaceWith(new Answered(reply, undone));
  }

  /** The refusals, in the order a user can act on them: nothing to undo, final sale or tab settlement, too late. */
  private Uni<Void> requireUndoable(SqlConnection tx, Charge charge) {
    if ((charge.status() != ChargeStatus.SUCCEEDED && charge.status() != ChargeStatus.PARTIALLY_REFUNDED)
        || charge.refundableMinor() == 0) {
      throw ApiException.precondition(
          "Only a captured charge with money left to refund can be undone; this one is " + charge.status(),
          ChargeStatus.INVALID_STATE);
    }
    if (charge.finalSale()) {
      throw ApiException.precondition("The merchant sold this as a final sale: it cannot be undone", NOT_UNDOABLE);
    }
    return undos
        .settlesATab(tx, charge.id())
        .chain(
            settles -> {
              if (settles) {
                throw ApiException.precondition(
                    "This payment settles a tab whose items you agreed to one by one: it cannot be undone;"
                        + " ask the merchant for a refund or open a dispute",
                    NOT_UNDOABLE);
              }
              return undos.capturedAt(tx, charge.id());
            })
        .map(
            capturedAt -> {
              Instant deadline = capturedAt.orElseThrow().plus(config.window());
              if (!Instant.now().isBefore(deadline)) {
                throw ApiException.precondition(
                    "A charge can be undone for " + config.window().toMinutes() + " minutes after payment;"
                        + " ask the merchant for a refund or open a dispute",
                    UNDO_WINDOW_PASSED);
              }
              return null;
            });
  }
}
