package io.farthing.risk.score.grpc;

import com.google.protobuf.Timestamp;
import io.farthing.proto.risk.v1.ScoreRequest;
import io.farthing.proto.risk.v1.ScoreResponse;
import io.farthing.proto.type.v1.Money;
import io.farthing.risk.decision.Decision;
import io.farthing.risk.decision.Outcome;
import io.farthing.risk.score.Channel;
import io.farthing.risk.score.Reason;
import io.farthing.risk.score.RiskContext;
import io.farthing.risk.score.Verdict;
import java.time.Instant;

/** Decisions as risk.v1 messages. */
public final class DecisionMessages {
  private DecisionMessages() {}

  public static ScoreResponse response(Decision d, boolean replayed) {
    ScoreResponse.Builder response =
        ScoreResponse.newBuilder()
            .setDecisionId(d.id().toString())
            .setScore(d.score())
            .setVerdict(verdict(d.verdict()))
            .setDegraded(d.degraded())
            .setRulePoints(d.rulePoints())
            .setModelPoints(d.modelPoints())
            .setModelVersion(d.modelVersion())
            .setReplayed(replayed)
            .setChallengeAt(d.thresholds().challengeAt())
            .setDenyAt(d.thresholds().denyAt());
    for (Reason reason : d.reasons()) {
      io.farthing.proto.risk.v1.Reason.Builder r =
          io.farthing.proto.risk.v1.Reason.newBuilder()
              .setRuleId(reason.ruleId())
              .setDescription(reason.description())
              .setPoints(reason.points())
              .putAllFeatures(reason.features());
      if (reason.forcedVerdict() != null) {
        r.setForcedVerdict(verdict(reason.forcedVerdict()));
      }
      response.addReasons(r);
    }
    return response.build();
  }

  static io.farthing.proto.risk.v1.Decision decision(Decision d) {
    io.farthing.proto.risk.v1.Decision.Builder message =
        io.farthing.proto.risk.v1.Decision.newBuilder()
            .setDecisionId(d.id().toString())
            .setRequest(request(d.context()))
            .setResponse(response(d, false))
            .setDecidedAt(timestamp(d.decidedAt()))
            .putAllFeatures(d.features().asText());
    for (Outcome outcome : d.outcomes()) {
      message.addOutcomes(outcome(outcome));
    }
    return message.build();
  }

  static ScoreRequest request(RiskContext c) {
    ScoreRequest.Builder r =
        ScoreRequest.newBuilder()
            .setRequestId(c.requestId())
            .setUserId(c.userId().toString())
            .setMerchantCategory(c.merchantCategory())
            .setAmount(Money.newBuilder().setAmountMinor(c.amountMinor()).setCurrency(c.currency()))
            .setChannel(channel(c.channel()))
            .setDeviceKnown(c.deviceKnown())
            .setKycTier(c.kycTier())
            .setSecurityLevel(c.securityLevel().name())
            .setAt(timestamp(c.at()))
            .setCashEquivalent(c.cashEquivalent());
    if (c.walletId() != null) r.setWalletId(c.walletId());
    if (c.merchantId() != null) r.setMerchantId(c.merchantId());
    if (c.deviceId() != null) r.setDeviceId(c.deviceId());
    if (c.ip() != null) r.setIp(c.ip());
    if (c.country() != null) r.setCountry(c.country());
    if (c.counterpartyUserId() != null) r.setCounterpartyUserId(c.counterpartyUserId().toString());
    if (c.location() != null) {
      r.setHasLocation(true)
          .setLatitudeE6(c.location().latitudeE6())
          .setLongitudeE6(c.location().longitudeE6());
    }
    return r.build();
  }

  static io.farthing.proto.risk.v1.Verdict verdict(Verdict verdict) {
    return switch (verdict) {
      case ALLOW -> io.farthing.proto.risk.v1.Verdict.VERDICT_ALLOW;
      case CHALLENGE -> io.farthing.proto.risk.v1.Verdict.VERDICT_CHALLENGE;
      case DENY -> io.farthing.proto.risk.v1.Verdict.VERDICT_DENY;
    };
  }

  static io.farthing.proto.risk.v1.Channel channel(Channel channel) {
    return switch (channel) {
      case IN_APP -> io.farthing.proto.risk.v1.Channel.CHANNEL_IN_APP;
      case QR -> io.farthing.proto.risk.v1.Channel.CHANNEL_QR;
      case NFC -> io.farthing.proto.risk.v1.Channel.CHANNEL_NFC;
      case P2P -> io.farthing.proto.risk.v1.Channel.CHANNEL_P2P;
      case TOP_UP -> io.farthing.proto.risk.v1.Channel.CHANNEL_TOP_UP;
    };
  }

  static io.farthing.proto.risk.v1.Outcome outcome(Outcome outcome) {
    return switch (outcome) {
      case FRAUD -> io.farthing.proto.risk.v1.Outcome.OUTCOME_FRAUD;
      case LEGITIMATE -> io.farthing.proto.risk.v1.Outcome.OUTCOME_LEGITIMATE;
      case DISPUTE_WON -> io.farthing.proto.risk.v1.Outcome.OUTCOME_DISPUTE_WON;
      case DISPUTE_LOST -> io.farthing.proto.risk.v1.Outcome.OUTCOME_DISPUTE_LOST;
      case REFUNDED -> io.farthing.proto.risk.v1.Outcome.OUTCOME_REFUNDED;
    };
  }

  static Outcome outcome(io.farthing.proto.risk.v1.Outcome outcome) {
    return switch (outcome) {
      case OUTCOME_FRAUD -> Outcome.FRAUD;
      case OUTCOME_LEGITIMATE -> Outcome.LEGITIMATE;
      case OUTCOME_DISPUTE_WON -> Outcome.DISPUTE_WON;
      case OUTCOME_DISPUTE_LOST -> Outcome.DISPUTE_LOST;
      case OUTCOME_REFUNDED -> Outcome.REFUNDED;
      case OUTCOME_UNSPECIFIED, UNRECOGNIZED ->
          throw io.farthing.common.ApiException.invalid("outcome is required", "INVALID_OUTCOME");
    };
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
