package io.farthing.payments.support;

import io.farthing.proto.auth.v1.Auth;
import io.farthing.proto.auth.v1.Challenge;
import io.farthing.proto.auth.v1.ChallengeStatus;
import io.farthing.proto.auth.v1.CheckConsentRequest;
import io.farthing.proto.auth.v1.CheckConsentResponse;
import io.farthing.proto.auth.v1.ConsentAllowance;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenRequest;
import io.farthing.proto.auth.v1.ConsumeStepUpTokenResponse;
import io.farthing.proto.auth.v1.CreateChallengeRequest;
import io.farthing.proto.auth.v1.GetChallengeRequest;
import io.farthing.proto.auth.v1.GetSecurityLevelRequest;
import io.farthing.proto.auth.v1.GetUserRequest;
import io.farthing.proto.auth.v1.SecurityLevel;
import io.farthing.proto.auth.v1.SecurityLevelSetting;
import io.farthing.proto.auth.v1.User;
import io.farthing.proto.auth.v1.UserStatus;
import io.farthing.proto.auth.v1.VerifyChallengeRequest;
import io.farthing.proto.auth.v1.VerifyChallengeResponse;
import io.farthing.proto.type.v1.Money;
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * auth-svc behind its gRPC contract (farthing.auth.v1.Auth), served by the payments test app.
 * Tests arrange users, consents and step-up tokens here; the real auth-svc is exercised by the
 * end-to-end tests. Unknown users are ACTIVE, STANDARD, UTC (so tests state only what matters).
 */
@GrpcService
public class FakeAuth implements Auth {
  public record Consent(String consentId, String partner, long maxPerChargeMinor, String currency, boolean revoked) {}

  public record StepUp(UUID userId, String purpose) {}

  public static final Map<UUID, User> USERS = new ConcurrentHashMap<>();
  public static final Map<String, Consent> CONSENTS = new ConcurrentHashMap<>();
  /** Allowances by user|partner: answered with the consent, as auth-svc names the current period. */
  public static final Map<String, ConsentAllowance> ALLOWANCES = new ConcurrentHashMap<>();
  public static final Map<String, StepUp> STEP_UP_TOKENS = new ConcurrentHashMap<>();
  public static final Map<String, String> USED_TOKENS = new ConcurrentHashMap<>();
  public static final Map<String, CreateChallengeRequest> CHALLENGES = new ConcurrentHashMap<>();
  /** Users with no step-up method (CreateChallenge answers NO_STEP_UP_METHOD). */
  public static final Map<UUID, Boolean> NO_STEP_UP = new ConcurrentHashMap<>();
  public static final AtomicInteger USER_CALLS = new AtomicInteger();
  /** When true every call fails UNAVAILABLE, as if auth-svc were down. */
  public static volatile boolean down;

  public static void user(UUID id, UserStatus status, SecurityLevel level, Money threshold, String zone) {
    User.Builder user =
        User.newBuilder().setUserId(id.toString()).setStatus(status).setSecurityLevel(level).setTimeZone(zone);
    if (threshold != null) {
      user.setStrictThreshold(threshold);
    }
    USERS.put(id, user.build());
  }

  public static void consent(UUID user, String partner, long maxPerChargeMinor, String currency) {
    CONSENTS.put(user + "|" + partner, new Consent("cns_" + UUID.randomUUID(), partner, maxPerChargeMinor, currency, false));
  }

  /**
   * The user's consent to {@code partner} carries an allowance of {@code limitMinor} per period,
   * the current one being [{@code periodStart}, {@code periodEnd}). Returns the consent id.
   */
  public static String allowance(
      UUID user, String partner, long limitMinor, String currency, Instant periodStart, Instant periodEnd) {
    String key = user + "|" + partner;
    CONSENTS.computeIfAbsent(key, k -> new Consent("cns_" + UUID.randomUUID(), partner, Long.MAX_VALUE, currency, false));
    ALLOWANCES.put(
        key,
        ConsentAllowance.newBuilder()
            .setLimit(Money.newBuilder().setAmountMinor(limitMinor).setCurrency(currency))
            .setInterval("R/" + periodStart + "/PT" + java.time.Duration.between(periodStart, periodEnd).toHours() + "H")
            .setPeriodStart(timestamp(periodStart))
            .setPeriodEnd(timestamp(periodEnd))
            .build());
    return CONSENTS.get(key).consentId();
  }

  /** The user revoked their consent to {@code partner}. */
  public static void revoke(UUID user, String partner) {
    CONSENTS.computeIfPresent(
        user + "|" + partner, (k, c) -> new Consent(c.consentId(), c.partner(), c.maxPerChargeMinor(), c.currency(), true));
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  /** A step-up token auth-svc would hand the user after a verified challenge for {@code purpose}. */
  public static String stepUpToken(UUID user, String purpose) {
    String token = "stepup-" + UUID.randomUUID();
    STEP_UP_TOKENS.put(token, new StepUp(user, purpose));
    return token;
  }

  @Override
  public Uni<User> getUser(GetUserRequest request) {
    USER_CALLS.incrementAndGet();
    return guarded(
        () -> {
          UUID id = UUID.fromString(request.getUserId());
          return USERS.getOrDefault(
              id,
              User.newBuilder()
                  .setUserId(id.toString())
                  .setStatus(UserStatus.USER_STATUS_ACTIVE)
                  .setSecurityLevel(SecurityLevel.SECURITY_LEVEL_STANDARD)
                  .setTimeZone("UTC")
                  .build());
        });
  }

  @Override
  public Uni<CheckConsentResponse> checkConsent(CheckConsentRequest request) {
    return guarded(
        () -> {
          String key = request.getUserId() + "|" + request.getPartnerClientId();
          Consent consent = CONSENTS.get(key);
          CheckConsentResponse.Builder answer = CheckConsentResponse.newBuilder();
          if (consent != null && !consent.revoked() && ALLOWANCES.containsKey(key)) {
            answer.setAllowance(ALLOWANCES.get(key)).setConsentId(consent.consentId());
          }
          if (consent == null) {
            return answer.setAllowed(false).setReason("NO_CONSENT").build();
          }
          if (consent.revoked()) {
            return answer.setAllowed(false).setReason("CONSENT_REVOKED").build();
          }
          if (!consent.currency().equals(request.getAmount().getCurrency())) {
            return answer.setAllowed(false).setReason("CURRENCY_MISMATCH").build();
          }
          if (request.getAmount().getAmountMinor() > consent.maxPerChargeMinor()) {
            return answer.setAllowed(false).setReason("ABOVE_PER_CHARGE_MAXIMUM").build();
          }
          return answer.setAllowed(true).setConsentId(consent.consentId()).build();
        });
  }

  @Override
  public Uni<Challenge> createChallenge(CreateChallengeRequest request) {
    return guarded(
        () -> {
          if (NO_STEP_UP.containsKey(UUID.fromString(request.getUserId()))) {
            throw io.farthing.common.grpc.GrpcErrors.status(
                com.google.rpc.Code.FAILED_PRECONDITION, "NO_STEP_UP_METHOD", "no step-up method");
          }
          String id = UUID.randomUUID().toString();
          CHALLENGES.put(id, request);
          return Challenge.newBuilder()
              .setChallengeId(id)
              .setUserId(request.getUserId())
              .setPurpose(request.getPurpose())
              .setStatus(ChallengeStatus.CHALLENGE_STATUS_PENDING)
              .build();
        });
  }

  @Override
  public Uni<ConsumeStepUpTokenResponse> consumeStepUpToken(ConsumeStepUpTokenRequest request) {
    return guarded(
        () -> {
          StepUp stepUp = STEP_UP_TOKENS.get(request.getStepUpToken());
          if (stepUp == null) {
            throw io.farthing.common.grpc.GrpcErrors.status(
                com.google.rpc.Code.PERMISSION_DENIED, "INVALID_STEP_UP_TOKEN", "invalid step-up token");
          }
          if (!stepUp.purpose().equals(request.getPurpose())) {
            throw io.farthing.common.grpc.GrpcErrors.status(
                com.google.rpc.Code.PERMISSION_DENIED, "PURPOSE_MISMATCH", "purpose mismatch");
          }
          if (USED_TOKENS.putIfAbsent(request.getStepUpToken(), "used") != null) {
            throw io.farthing.common.grpc.GrpcErrors.status(
                com.google.rpc.Code.PERMISSION_DENIED, "STEP_UP_TOKEN_USED", "step-up token already used");
          }
          return ConsumeStepUpTokenResponse.newBuilder()
              .setUserId(stepUp.userId().toString())
              .setAcr("urn:farthing:acr:totp")
              .build();
        });
  }

  @Override
  public Uni<Challenge> getChallenge(GetChallengeRequest request) {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }

  @Override
  public Uni<VerifyChallengeResponse> verifyChallenge(VerifyChallengeRequest request) {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }

  @Override
  public Uni<SecurityLevelSetting> getSecurityLevel(GetSecurityLevelRequest request) {
    return Uni.createFrom().failure(Status.UNIMPLEMENTED.asRuntimeException());
  }

  private static <T> Uni<T> guarded(java.util.function.Supplier<T> answer) {
    if (down) {
      return Uni.createFrom().failure(Status.UNAVAILABLE.withDescription("auth-svc down (test)").asRuntimeException());
    }
    return Uni.createFrom().item(answer);
  }
}
