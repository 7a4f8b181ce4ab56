package io.farthing.auth.grpc;

import com.google.protobuf.Timestamp;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.stepup.Challenge;
import io.farthing.auth.stepup.Proof;
import io.farthing.auth.stepup.StepUpService;
import io.farthing.proto.auth.v1.ChallengeMethod;
import io.farthing.proto.auth.v1.ChallengeStatus;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenResponse;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.GetChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeResponse;
import io.farthing.proto.type.v1.Money;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Maps the step-up RPCs to {@link StepUpService}: no rule lives here. */
@ApplicationScoped
public class StepUpGrpc {
  private static final Origin GRPC = new Origin("grpc", null);

  private final StepUpService stepUp;

  public StepUpGrpc(StepUpService stepUp) {
    this.stepUp = stepUp;
  }

  public Uni<io.farthing.proto.auth.v1.Challenge> createChallenge(
      CreateChallengeRequest request, String callerClientId) {
    boolean hasAmount = request.hasAmount();
    StepUpService.NewChallenge challenge =
        new StepUpService.NewChallenge(
            Ids.parse(request.getUserId(), "user_id"),
            request.getPurpose(),
            hasAmount ? request.getAmount().getAmountMinor() : null,
            hasAmount ? request.getAmount().getCurrency() : null,
            List.copyOf(request.getReasonsList()),
            callerClientId);
    return stepUp.create(challenge, GRPC).map(StepUpGrpc::toProto);
  }

  public Uni<io.farthing.proto.auth.v1.Challenge> getChallenge(GetChallengeRequest request) {
    return stepUp.get(Ids.parse(request.getChallengeId(), "challenge_id")).map(StepUpGrpc::toProto);
  }

  public Uni<VerifyChallengeResponse> verifyChallenge(VerifyChallengeRequest request) {
    Proof proof =
        switch (request.getProofCase()) {
          case TOTP -> new Proof.Totp(request.getTotp().getCode());
          case RECOVERY_CODE -> new Proof.RecoveryCode(request.getRecoveryCode().getCode());
          case DEVICE_KEY ->
              new Proof.DeviceSignature(
                  Ids.parse(request.getDeviceKey().getDeviceId(), "device_key.device_id"),
                  request.getDeviceKey().getSignature().toByteArray());
          case PROOF_NOT_SET -> throw ApiException.invalid("a proof is required", "MISSING_FIELD");
        };
    return stepUp
        .verify(Ids.parse(request.getChallengeId(), "challenge_id"), proof, GRPC)
        .map(
            verified ->
                VerifyChallengeResponse.newBuilder()
                    .setStepUpToken(verified.stepUpToken())
                    .setExpiresAt(timestamp(verified.expiresAt()))
                    .setAcr(verified.acr())
                    .build());
  }

  public Uni<ConsumeStepUpTokenResponse> consumeStepUpToken(ConsumeStepUpTokenRequest request) {
    return stepUp
        .redeem(request.getStepUpToken(), request.getPurpose(), GRPC)
        .map(
            redeemed ->
                ConsumeStepUpTokenResponse.newBuilder()
                    .setUserId(redeemed.userId().toString())
                    .setChallengeId(redeemed.challengeId().toString())
                    .setAcr(redeemed.acr())
                    .build());
  }

  static io.farthing.proto.auth.v1.Challenge toProto(Challenge challenge) {
    io.farthing.proto.auth.v1.Challenge.Builder builder =
        io.farthing.proto.auth.v1.Challenge.newBuilder()
            .setChallengeId(challenge.id.toString())
            .setUserId(challenge.userId.toString())
            .setPurpose(challenge.purpose)
            .setDeviceNonce(challenge.deviceNonce)
            .setExpiresAt(timestamp(challenge.expiresAt))
            .setStatus(status(challenge));
    if (challenge.amountMinor != null) {
      builder.setAmount(
          Money.newBuilder().setAmountMinor(challenge.amountMinor).setCurrency(challenge.currency));
    }
    if (challenge.reasons != null && !challenge.reasons.isEmpty()) {
      builder.addAllReasons(List.of(challenge.reasons.split("\n")));
    }
    challenge.methods().forEach(method -> builder.addAllowedMethods(method(method)));
    return builder.build();
  }

  private static ChallengeStatus status(Challenge challenge) {
    return switch (challenge.status) {
      case VERIFIED -> ChallengeStatus.CHALLENGE_STATUS_VERIFIED;
      case FAILED -> ChallengeStatus.CHALLENGE_STATUS_FAILED;
      case PENDING ->
          challenge.isExpired(Instant.now())
              ? ChallengeStatus.CHALLENGE_STATUS_EXPIRED
              : ChallengeStatus.CHALLENGE_STATUS_PENDING;
    };
  }

  private static ChallengeMethod method(Challenge.Method method) {
    return switch (method) {
      case TOTP -> ChallengeMethod.CHALLENGE_METHOD_TOTP;
      case DEVICE_KEY -> ChallengeMethod.CHALLENGE_METHOD_DEVICE_KEY;
      case RECOVERY_CODE -> ChallengeMethod.CHALLENGE_METHOD_RECOVERY_CODE;
    };
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
