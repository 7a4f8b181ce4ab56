package io.farthing.payments.client;

import io.farthing.payments.config.PaymentsConfig;
import io.farthing.proto.risk.v1.MutinyRiskGrpc;
import io.farthing.proto.risk.v1.Outcome;
import io.farthing.proto.risk.v1.Reason;
import io.farthing.proto.risk.v1.ReportOutcomeRequest;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.jboss.logging.Logger;

/**
 * The one wrapper around risk-svc: Score with a deadline of {@code payments.risk.timeout}, a
 * circuit breaker, and the fallback when risk-svc is unavailable, late or refusing us: allow only
 * below {@code payments.risk.fallback-allow-below-minor}, otherwise CHALLENGE. It never fails.
 */
@ApplicationScoped
public class RiskClient {
  private static final Logger LOG = Logger.getLogger(RiskClient.class);

  private final MutinyRiskGrpc.MutinyRiskStub stub;
  private final ServiceTokens tokens;
  private final PaymentsConfig config;
  private final Counter fallbacks;

  public RiskClient(
      @GrpcClient("risk") MutinyRiskGrpc.MutinyRiskStub stub,
      ServiceTokens tokens,
      PaymentsConfig config,
      MeterRegistry meters) {
    this.stub = stub;
    this.tokens = tokens;
    this.config = config;
    this.fallbacks = Counter.builder("farthing.payments.risk.fallbacks")
        .description("Score calls answered by the fallback policy (risk-svc unavailable or late)")
        .register(meters);
  }

  /**
   * risk-svc's decision. A failed, late or refused call (or an open breaker) is answered by
   * {@link #fallback(ScoreRequest)} instead, so the returned Uni does not fail.
   */
  @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 1000, successThreshold = 2)
  @Fallback(fallbackMethod = "fallback")
  public Uni<RiskDecision> score(ScoreRequest request) {
    return tokens
        .authorize(stub)
        .chain(authed -> authed.withDeadlineAfter(config.risk().timeout().toMillis(), TimeUnit.MILLISECONDS).score(request))
        .map(RiskClient::decision);
  }

  Uni<RiskDecision> fallback(ScoreRequest request) {
    fallbacks.increment();
    LOG.debug("risk-svc gave no answer in time: fallback policy");
    return Uni.createFrom().item(fallback(request.getAmount().getAmountMinor(), request.getAmount().getCurrency()));
  }

  /** Tells risk-svc a charge was refunded (counts toward the merchant's refund rate); best effort. */
  public Uni<Void> reportRefunded(String decisionId) {
    if (decisionId == null || decisionId.isBlank()) {
      return Uni.createFrom().voidItem();
    }
    return tokens
        .authorize(stub)
        .chain(
            authed -> {
              return authed
                  .withDeadlineAfter(1, TimeUnit.SECONDS)
                  .reportOutcome(
                      ReportOutcomeRequest.newBuilder()
                          .setDecisionId(decisionId)
                          .setOutcome(Outcome.OUTCOME_REFUNDED)
                          .build());
            })
        .replaceWithVoid()
        .onFailure()
        .recoverWithItem(
            e -> {
              LOG.debugf("Could not report a refund to risk-svc: %s", e.getClass().getSimpleName());
              return null;
            });
  }

  /**
   * Reports a dispute's (or any) outcome of a decision to risk-svc, for the durable relay
   * ({@link RiskOutcomes}): fails on anything worth retrying (risk-svc down, late, refusing our
   * token); succeeds when risk-svc took it, or answered that it never will (an unknown decision, a
   * request it cannot read), which is logged and not retried for ever.
   */
  public Uni<Void> reportOutcome(String decisionId, Outcome outcome) {
    return tokens
        .authorize(stub)
        .chain(
            authed ->
                authed
                    .withDeadlineAfter(config.risk().timeout().toMillis() * 4, TimeUnit.MILLISECONDS)
                    .reportOutcome(
                        ReportOutcomeRequest.newBuilder().setDecisionId(decisionId).setOutcome(outcome).build()))
        .replaceWithVoid()
        .onFailure(RiskClient::permanent)
        .recoverWithItem(
            e -> {
              LOG.warnf(
                  "risk-svc will not take outcome %s of decision %s (%s); not retried", outcome, decisionId,
                  ((StatusRuntimeException) e).getStatus().getCode());
              return null;
            })
        .onFailure(RiskClient::unauthenticated)
        .invoke(tokens::invalidate);
  }

  private static boolean permanent(Throwable e) {
    return e instanceof StatusRuntimeException s
        && (s.getStatus().getCode() == Status.Code.NOT_FOUND
            || s.getStatus().getCode() == Status.Code.INVALID_ARGUMENT);
  }

  private static boolean unauthenticated(Throwable e) {
    return e instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNAUTHENTICATED;
  }

  RiskDecision fallback(long amountMinor, String currency) {
    long allowBelow =
        config.risk().fallbackAllowBelowMinorByCurrency().getOrDefault(currency, config.risk().fallbackAllowBelowMinor());
    RiskDecision.Verdict verdict = amountMinor < allowBelow ? RiskDecision.Verdict.ALLOW : RiskDecision.Verdict.CHALLENGE;
    return new RiskDecision(verdict, "", 0, List.of(RiskDecision.RISK_UNAVAILABLE), true);
  }

  static RiskDecision decision(ScoreResponse response) {
    RiskDecision.Verdict verdict =
        switch (response.getVerdict()) {
          case VERDICT_ALLOW -> RiskDecision.Verdict.ALLOW;
          case VERDICT_DENY -> RiskDecision.Verdict.DENY;
          default -> RiskDecision.Verdict.CHALLENGE;
        };
    return new RiskDecision(
        verdict,
        response.getDecisionId(),
        response.getScore(),
        response.getReasonsList().stream().map(Reason::getRuleId).toList(),
        false);
  }
}
