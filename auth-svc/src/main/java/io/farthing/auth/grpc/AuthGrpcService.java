package io.farthing.auth.grpc;

import io.farthing.auth.common.Scopes;
import io.farthing.proto.auth.v1.Auth;
import io.farthing.proto.auth.v1.Challenge;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenResponse;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.GetChallengeRequest;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.SecurityLevelSetting;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.VerifyChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeResponse;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import jakarta.annotation.security.RolesAllowed;

/**
 * The farthing.auth.v1.Auth gRPC service: authorisation per RPC, then delegation. Internal RPCs
 * need scope auth:internal; partner apps may answer a challenge with payments:charge.
 */
@GrpcService
public class AuthGrpcService implements Auth {
  private final StepUpGrpc stepUp;
  private final AccountGrpc accounts;
  private final CurrentIdentityAssociation identity;

  public AuthGrpcService(StepUpGrpc stepUp, AccountGrpc accounts, CurrentIdentityAssociation identity) {
    this.stepUp = stepUp;
    this.accounts = accounts;
    this.identity = identity;
  }

  @Override
  @RolesAllowed(Scopes.AUTH_INTERNAL)
  public Uni<Challenge> createChallenge(CreateChallengeRequest request) {
    // Authentication is lazy: the caller's identity is read without blocking the event loop.
    return guarded(
        () ->
            identity
                .getDeferredIdentity()
                .chain(caller -> stepUp.createChallenge(request, caller.getPrincipal().getName())));
  }

  @Override
  @RolesAllowed({Scopes.AUTH_INTERNAL, Scopes.PAYMENTS_CHARGE})
  public Uni<Challenge> getChallenge(GetChallengeRequest request) {
    return guarded(() -> stepUp.getChallenge(request));
  }

  @Override
  @RolesAllowed({Scopes.AUTH_INTERNAL, Scopes.PAYMENTS_CHARGE})
  public Uni<VerifyChallengeResponse> verifyChallenge(VerifyChallengeRequest request) {
    return guarded(() -> stepUp.verifyChallenge(request));
  }

  @Override
  @RolesAllowed(Scopes.AUTH_INTERNAL)
  public Uni<ConsumeStepUpTokenResponse> consumeStepUpToken(ConsumeStepUpTokenRequest request) {
    return guarded(() -> stepUp.consumeStepUpToken(request));
  }

  @Override
  @RolesAllowed(Scopes.AUTH_INTERNAL)
  public Uni<SecurityLevelSetting> getSecurityLevel(GetSecurityLevelRequest request) {
    return guarded(() -> accounts.getSecurityLevel(request));
  }

  @Override
  @RolesAllowed(Scopes.AUTH_INTERNAL)
  public Uni<CheckConsentResponse> checkConsent(CheckConsentRequest request) {
    return guarded(() -> accounts.checkConsent(request));
  }

  @Override
  @RolesAllowed(Scopes.AUTH_INTERNAL)
  public Uni<User> getUser(GetUserRequest request) {
    return guarded(() -> accounts.getUser(request));
  }

  /**
   * Defers the adapter call so a synchronous throw (a malformed id) fails the Uni like any other
   * refusal; GrpcExceptionHandler then maps every failure to its status, in one place.
   */
  private static <T> Uni<T> guarded(java.util.function.Supplier<Uni<? extends T>> call) {
    return Uni.createFrom().<T>deferred(call);
  }
}
