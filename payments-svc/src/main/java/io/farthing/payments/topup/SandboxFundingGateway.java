package io.farthing.payments.topup;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A funding gateway for local runs and tests that behaves like a real processor: idempotent by
 * reference, decides per test instrument, keeps a record of every authorization that can be
 * looked up, cancelled or refunded later, and can answer late or not at all.
 *
 * <ul>
 *   <li>{@code tok_sandbox_visa}, {@code tok_sandbox_mastercard}: approved after {@code latency}.
 *   <li>{@code tok_sandbox_declined} → {@code card_declined}; {@code tok_sandbox_insufficient} →
 *       {@code insufficient_funds}; {@code tok_sandbox_expired} → {@code expired_card}; any other
 *       instrument → {@code invalid_instrument}.
 *   <li>{@code tok_sandbox_timeout}: never decided (authorize never answers, look-ups say Pending)
 *       until it is cancelled.
 *   <li>{@code tok_sandbox_late}: approved only {@code late-answer-after} after it was asked —
 *       after the caller stopped waiting — and found by a later look-up.
 * </ul>
 *
 * <p>Its record lives in this process's memory: it stands in for an outside processor for one
 * replica (a restart forgets it, and look-ups then answer NotFound). It is never a real processor.
 */
@ApplicationScoped
@Typed(SandboxFundingGateway.class)
public class SandboxFundingGateway implements FundingGateway {
  public static final String VISA = "tok_sandbox_visa";
  public static final String MASTERCARD = "tok_sandbox_mastercard";
  public static final String DECLINED = "tok_sandbox_declined";
  public static final String INSUFFICIENT = "tok_sandbox_insufficient";
  public static final String EXPIRED = "tok_sandbox_expired";
  public static final String TIMEOUT = "tok_sandbox_timeout";
  public static final String LATE = "tok_sandbox_late";

  private static final Map<String, String> DECLINE_CODES =
      Map.of(DECLINED, "card_declined", INSUFFICIENT, "insufficient_funds", EXPIRED, "expired_card");

  /** The processor's record of one reference. {@code decidedAt} null: not decided (yet). */
  private record Authorization(
      FundingRequest request, FundingOutcome decision, Instant decidedAt, boolean cancelled, boolean refunded) {

    FundingOutcome asOf(Instant now) {
      if (cancelled) {
        return FundingOutcome.CANCELLED;
      }
      return decidedAt != null && !now.isBefore(decidedAt) ? decision : FundingOutcome.PENDING;
    }
  }

  private final FundingConfig config;
  private final ConcurrentHashMap<String, Authorization> records = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> authorizeCalls = new ConcurrentHashMap<>();
  private final AtomicInteger refunds = new AtomicInteger();

  public SandboxFundingGateway(FundingConfig config) {
    this.config = config;
  }

  @Override
  public Uni<FundingOutcome> authorize(FundingRequest request) {
    return Uni.createFrom()
        .deferred(
            () -> {
              authorizeCalls.computeIfAbsent(request.reference(), r -> new AtomicInteger()).incrementAndGet();
              Instant now = Instant.now();
              Authorization record = records.computeIfAbsent(request.reference(), r -> decide(request, now));
              if (record.cancelled()) {
                return Uni.createFrom().item(FundingOutcome.CANCELLED);
              }
              if (!record.request().equals(request)) {
                // A processor refuses a reused idempotency reference with other parameters.
                return Uni.createFrom().item(new FundingOutcome.Declined("duplicate_reference"));
              }
              if (record.decidedAt() == null) {
                return Uni.createFrom().nothing();
              }
              Duration wait = Duration.between(now, record.decidedAt());
              Uni<FundingOutcome> answer = Uni.createFrom().item(record.decision());
              return wait.isNegative() || wait.isZero() ? answer : answer.onItem().delayIt().by(wait);
            });
  }

  @Override
  public Uni<FundingOutcome> lookup(String reference) {
    return Uni.createFrom()
        .item(
            () -> {
              Authorization record = records.get(reference);
              return record == null ? FundingOutcome.NOT_FOUND : record.asOf(Instant.now());
            });
  }

  @Override
  public Uni<FundingOutcome> cancel(String reference) {
    return Uni.createFrom()
        .item(
            () -> {
              Instant now = Instant.now();
              Authorization after =
                  records.compute(
                      reference,
                      (r, record) -> {
                        if (record == null) {
                          // Nothing arrived yet: the reference is closed, so a late arrival is refused.
                          return new Authorization(null, null, null, true, false);
                        }
                        FundingOutcome current = record.asOf(now);
                        return current.isFinal()
                            ? record
                            : new Authorization(record.request(), record.decision(), record.decidedAt(), true, false);
                      });
              return after.asOf(now);
            });
  }

  @Override
  public Uni<Void> refund(String reference) {
    return Uni.createFrom()
        .item(
            () -> {
              Instant now = Instant.now();
              Authorization record = records.get(reference);
              if (record == null || !(record.asOf(now) instanceof FundingOutcome.Approved)) {
                throw new IllegalStateException("only an approved authorization can be refunded");
              }
              if (!record.refunded()) {
                records.put(
                    reference,
                    new Authorization(record.request(), record.decision(), record.decidedAt(), false, true));
                refunds.incrementAndGet();
              }
              return null;
            });
  }

  /** How many times {@code reference} was asked for (tests: a retry must not charge twice). */
  public int authorizeCalls(String reference) {
    AtomicInteger calls = authorizeCalls.get(reference);
    return calls == null ? 0 : calls.get();
  }

  /** Whether the approved authorization of {@code reference} was refunded. */
  public boolean refunded(String reference) {
    Authorization record = records.get(reference);
    return record != null && record.refunded();
  }

  private Authorization decide(FundingRequest request, Instant now) {
    String instrument = request.instrument();
    if (TIMEOUT.equals(instrument)) {
      return new Authorization(request, null, null, false, false);
    }
    if (LATE.equals(instrument)) {
      return new Authorization(request, approved(), now.plus(config.sandbox().lateAnswerAfter()), false, false);
    }
    Instant decidedAt = now.plus(config.sandbox().latency());
    if (VISA.equals(instrument) || MASTERCARD.equals(instrument)) {
      return new Authorization(request, approved(), decidedAt, false, false);
    }
    String code = DECLINE_CODES.getOrDefault(instrument, "invalid_instrument");
    return new Authorization(request, new FundingOutcome.Declined(code), decidedAt, false, false);
  }

  private static FundingOutcome approved() {
    return new FundingOutcome.Approved("sbx_" + UUID.randomUUID().toString().replace("-", ""));
  }
}
