package io.farthing.auth.grpc;

import io.farthing.proto.auth.v1.Challenge;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenResponse;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.GetChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeResponse;
import io.grpc.Status;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Maps the step-up RPCs to the step-up service. (Owned by the step-up feature.) */
@ApplicationScoped
public class StepUpGrpc {

  public Uni<Challenge> createChallenge(CreateChallengeRequest request) {
    return unimplemented();
  }

  public Uni<Challenge> getChallenge(GetChallengeRequest request) {
    return unimplemented();
  }

  public Uni<VerifyChallengeResponse> verifyChallenge(VerifyChallengeRequest request) {
    return unimplemented();
  }

  public Uni<ConsumeStepUpTokenResponse> consumeStepUpToken(ConsumeStepUpTokenRequest request) {
    return unimplemented();
  }

  private static <T> Uni<T> unimplemented() {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }
}
