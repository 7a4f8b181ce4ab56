package io.farthing.payments.client;

import io.farthing.common.ApiException;
import io.farthing.common.grpc.GrpcErrors;
import io.farthing.payments.config.PaymentsConfig;
import com.google.protobuf.Timestamp;
import io.farthing.payments.allowance.AllowancePeriod;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.auth.v1.ConsentAllowance;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.MutinyAuthGrpc;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The one wrapper around auth-svc's gRPC API: a deadline per call, payments-svc's service token,
 * a circuit breaker, and the mapping from auth-svc's statuses to payments-svc's outcomes. Every
 * answer auth-svc could not give in time is UNAVAILABLE: nothing moves money without it.
 */
@ApplicationScoped
public class AuthClient {
  private static final Logger LOG = Logger.getLogger(AuthClient.class);

  /**
   * A consent decision from auth-svc: a refusal is an answer, with its reason. {@code allowance}
   * is the allowance period the charge falls in, or null when the consent carries none.
   */
  public record ConsentAnswer(boolean allowed, String consentId, String reason, AllowancePeriod allowance) {
    public ConsentAnswer(boolean allowed, String consentId, String reason) {
      this(allowed, consentId, reason, null);
    }
  }

  private final MutinyAuthGrpc.MutinyAuthStub stub;
  private final ServiceTokens tokens;
  private final PaymentsConfig config;

  public AuthClient(@GrpcClient("auth") MutinyAuthGrpc.MutinyAuthStub stub, ServiceTokens tokens, PaymentsConfig config) {
    this.stub = stub;
    this.tokens = tokens;
    this.config = config;
  }

  public Uni<UserStanding> user(UUID userId) {
    return call(s -> s.getUser(GetUserRequest.newBuilder().setUserId(userId.toString()).build()))
        .map(AuthClient::standing);
  }

  public Uni<ConsentAnswer> checkConsent(UUID userId, String partnerClientId, long amountMinor, String currency) {
    return call(
            s ->
                s.checkConsent(
                    CheckConsentRequest.newBuilder()
                        .setUserId(userId.toString())
                        .setPartnerClientId(partnerClientId)
                        .setAmount(money(amountMinor, currency))
                        .build()))
        .map(
            answer ->
                new ConsentAnswer(
                    answer.getAllowed(), answer.getConsentId(), answer.getReason(), allowance(answer)));
  }

  private static AllowancePeriod allowance(CheckConsentResponse answer) {
    if (!answer.hasAllowance()) {
      return null;
    }
    ConsentAllowance allowance = answer.getAllowance();
    return new AllowancePeriod(
        answer.getConsentId(), allowance.getLimit().getAmountMinor(), allowance.getLimit().getCurrency(),
        allowance.getInterval(), instant(allowance.getPeriodStart()), instant(allowance.getPeriodEnd()));
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** Opens a step-up challenge bound to {@code purpose}; returns its id. */
  public Uni<String> createChallenge(
      UUID userId, String purpose, long amountMinor, String currency, List<String> reasons) {
    return call(
            s ->
                s.createChallenge(
                    CreateChallengeRequest.newBuilder()
                        .setUserId(userId.toString())
                        .setPurpose(purpose)
                        .setAmount(money(amountMinor, currency))
                        .addAllReasons(reasons)
                        .build()))
        .map(challenge -> challenge.getChallengeId());
  }

  /** Redeems the user's single-use step-up token for {@code purpose}; returns the user it was for. */
  public Uni<UUID> consumeStepUpToken(String stepUpToken, String purpose) {
    return call(
            s ->
                s.consumeStepUpToken(
                    ConsumeStepUpTokenRequest.newBuilder().setStepUpToken(stepUpToken).setPurpose(purpose).build()))
        .map(consumed -> UUID.fromString(consumed.getUserId()));
  }

  private <T> Uni<T> call(Function<MutinyAuthGrpc.MutinyAuthStub, Uni<T>> rpc) {
    return tokens
        .authorize(stub)
        .chain(authed -> rpc.apply(authed.withDeadlineAfter(config.auth().timeout().toMillis(), TimeUnit.MILLISECONDS)))
        .onFailure(StatusRuntimeException.class)
        .transform(e -> mapped((StatusRuntimeException) e));
  }

  private Throwable mapped(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    String reason = GrpcErrors.reasonOf(e);
    return switch (code) {
      case NOT_FOUND -> ApiException.notFound("No such user", reason == null ? "USER_NOT_FOUND" : reason);
      case PERMISSION_DENIED ->
          "FORBIDDEN".equals(reason) || reason == null
              ? unavailable(code, reason)
              : ApiException.forbidden(e.getStatus().getDescription(), reason);
      case FAILED_PRECONDITION ->
          ApiException.precondition(e.getStatus().getDescription(), reason == null ? "AUTH_REFUSED" : reason);
      case INVALID_ARGUMENT ->
          ApiException.invalid(e.getStatus().getDescription(), reason == null ? "INVALID_ARGUMENT" : reason);
      case UNAUTHENTICATED -> {
        tokens.invalidate();
        yield unavailable(code, reason);
      }
      default -> unavailable(code, reason);
    };
  }

  private static ApiException unavailable(Status.Code code, String reason) {
    LOG.warnf("auth-svc call failed: %s %s", code, reason == null ? "" : reason);
    return ApiException.unavailable("auth-svc is unavailable; nothing was charged");
  }

  static UserStanding standing(User user) {
    ZoneId zone;
    try {
      zone = user.getTimeZone().isBlank() ? ZoneOffset.UTC : ZoneId.of(user.getTimeZone());
    } catch (DateTimeException e) {
      zone = ZoneOffset.UTC;
    }
    String level =
        switch (user.getSecurityLevel()) {
          case SECURITY_LEVEL_STRICT -> UserStanding.STRICT;
          case SECURITY_LEVEL_ALWAYS -> UserStanding.ALWAYS;
          default -> UserStanding.STANDARD;
        };
    boolean hasThreshold = user.getSecurityLevel() == SecurityLevel.SECURITY_LEVEL_STRICT && user.hasStrictThreshold();
    return new UserStanding(
        UUID.fromString(user.getUserId()),
        user.getStatus() == UserStatus.USER_STATUS_ACTIVE,
        level,
        hasThreshold ? user.getStrictThreshold().getAmountMinor() : null,
        hasThreshold ? user.getStrictThreshold().getCurrency() : null,
        zone);
  }

  static Money money(long amountMinor, String currency) {
    return Money.newBuilder().setAmountMinor(amountMinor).setCurrency(currency).build();
  }
}
