package io.farthing.payments.allowance;

import io.farthing.common.ApiException;
import io.farthing.payments.outbox.Outbox;
import io.farthing.payments.outbox.OutboxEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Allowances (recurring consent) on the money side: a charge under a consent with an allowance is
 * counted against the period auth-svc named, inside the charge's money transaction, by one
 * conditional statement ({@link AllowanceRepository#COUNT}); no room refuses ALLOWANCE_EXCEEDED and
 * the transaction rolls back whole. Money that comes back from such a charge while its period
 * lasts gives the allowance back ({@code payments.allowances.return-on-refund}).
 *
 * <p>The policy inside an allowance (see payments-svc/README.md "Allowances"): the user has
 * already agreed to these charges up to the limit in advance, so their security level's step-up
 * is skipped and a risk CHALLENGE does not stop the charge; risk DENY still refuses, and risk is
 * still asked for every charge.
 */
@ApplicationScoped
public class Allowances {
  public static final String ALLOWANCE_EXCEEDED = "ALLOWANCE_EXCEEDED";

  private final AllowanceRepository repository;
  private final Outbox outbox;
  private final AllowanceConfig config;
  private final Pool pool;

  public Allowances(AllowanceRepository repository, Outbox outbox, AllowanceConfig config, Pool pool) {
    this.repository = repository;
    this.outbox = outbox;
    this.config = config;
    this.pool = pool;
  }

  /**
   * Counts a charge of {@code amountMinor} against {@code period} in {@code tx}; fails with
   * ALLOWANCE_EXCEEDED when the period has no room for it. A charge that uses the period's last
   * minor unit appends allowance.exhausted in the same transaction.
   */
  public Uni<Void> count(
      SqlClient tx, AllowancePeriod period, UUID userId, String partnerClientId, UUID chargeId, long amountMinor) {
    if (amountMinor > period.limitMinor()) {
      return Uni.createFrom().failure(exceeded(period));
    }
    return repository
        .count(tx, period, userId, partnerClientId, chargeId, amountMinor)
        .chain(
            counted -> {
              if (counted.isEmpty()) {
                return Uni.createFrom().failure(exceeded(period));
              }
              AllowanceRepository.Counted now = counted.get();
              if (now.usedMinor() > now.limitMinor()) {
                throw new IllegalStateException("allowance " + period.consentId() + " counted past its limit");
              }
              return now.usedMinor() == now.limitMinor()
                  ? exhausted(tx, period, userId, partnerClientId, chargeId)
                  : Uni.createFrom().voidItem();
            });
  }

  /** Gives back {@code amountMinor} of a charge's count, if it was counted and its period lasts. */
  public Uni<Void> giveBack(SqlClient tx, UUID chargeId, String consentId, long amountMinor) {
    if (consentId == null || amountMinor <= 0 || !config.returnOnRefund()) {
      return Uni.createFrom().voidItem();
    }
    return repository.giveBack(tx, chargeId, amountMinor).replaceWithVoid();
  }

  /** The user's allowance periods in force now, with what is used of each. */
  public Uni<List<AllowanceRepository.Usage>> current(UUID userId) {
    return repository.current(pool, userId, config.listLimit());
  }

  private Uni<Void> exhausted(
      SqlClient tx, AllowancePeriod period, UUID userId, String partnerClientId, UUID chargeId) {
    JsonObject data =
        new JsonObject()
            .put("consentId", period.consentId())
            .put("partnerClientId", partnerClientId)
            .put("limitMinor", period.limitMinor())
            .put("currency", period.currency())
            .put("interval", period.interval())
            .put("periodStart", period.periodStart().toString())
            .put("periodEnd", period.periodEnd().toString())
            .put("chargeId", chargeId.toString());
    // One key per consent; a period is exhausted again only after money came back, later.
    long sequence = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    return outbox.append(
        tx,
        OutboxEvent.of(
            OutboxEvent.ALLOWANCE_EXHAUSTED, userId, partnerClientId, "allowance:" + period.consentId(), sequence,
            data));
  }

  private static ApiException exceeded(AllowancePeriod period) {
    return ApiException.precondition(
        "This charge would pass the allowance the user gave this partner for the period ending " + period.periodEnd(),
        ALLOWANCE_EXCEEDED);
  }
}
