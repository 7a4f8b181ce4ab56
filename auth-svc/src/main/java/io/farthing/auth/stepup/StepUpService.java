package io.farthing.auth.stepup;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.event.SecurityEvents;
import io.farthing.auth.audit.Origin;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.credentials.DeviceSignatures;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

/**
 * Step-up: payments-svc opens a challenge for one user and one purpose; the user answers it with
 * a TOTP code, a device signature or a recovery code; the answer yields a short-lived step-up
 * token bound to that purpose, which payments-svc redeems exactly once.
 */
@ApplicationScoped
public class StepUpService {
  public static final String CHALLENGE_CREATED = "STEP_UP_CHALLENGE_CREATED";
  public static final String STEP_UP_VERIFIED = "STEP_UP_VERIFIED";
  public static final String STEP_UP_FAILED = "STEP_UP_FAILED";
  public static final String STEP_UP_REDEEMED = "STEP_UP_TOKEN_REDEEMED";
  static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);
  private static final int MAX_PURPOSE = 200;
  private static final int MAX_REASONS = 10;
  private static final int MAX_REASON_LENGTH = 200;

  /** What a caller asks to be confirmed. {@code amountMinor} and {@code currency} go together. */
  public record NewChallenge(
      UUID userId, String purpose, Long amountMinor, String currency, List<String> reasons, String createdBy) {}

  public record Verified(String stepUpToken, Instant expiresAt, String acr) {}

  public record Redeemed(UUID userId, UUID challengeId, String acr) {}

  private final ChallengeRepository challenges;
  private final StepUpTokenRepository tokens;
  private final UserRepository users;
  private final SecondFactors secondFactors;
  private final DeviceSignatures devices;
  private final TokenIssuer issuer;
  private final StepUpTokenVerifier verifier;
  private final Lockout lockout;
  private final AuditLog audit;
  private final SecurityEvents securityEvents;

  public StepUpService(
      ChallengeRepository challenges,
      StepUpTokenRepository tokens,
      UserRepository users,
      SecondFactors secondFactors,
      DeviceSignatures devices,
      TokenIssuer issuer,
      StepUpTokenVerifier verifier,
      Lockout lockout,
      AuditLog audit,
      SecurityEvents securityEvents) {
    this.securityEvents = securityEvents;
    this.challenges = challenges;
    this.tokens = tokens;
    this.users = users;
    this.secondFactors = secondFactors;
    this.devices = devices;
    this.issuer = issuer;
    this.verifier = verifier;
    this.lockout = lockout;
    this.audit = audit;
  }

  /**
   * Opens a challenge, or returns the open one for the same user and purpose (a retried create
   * must not leave the user with two prompts).
   */
  public Uni<Challenge> create(NewChallenge request, Origin origin) {
    validate(request);
    Instant now = Instant.now();
    return Panache.withTransaction(
        () ->
            activeUser(request.userId())
                .chain(user -> challenges.findOpen(user.id, request.purpose(), now))
                .chain(
                    open ->
                        open != null
                            ? Uni.createFrom().item(open)
                            : allowedMethods(request.userId())
                                .chain(methods -> persistNew(request, methods, now, origin))));
  }

  public Uni<Challenge> get(UUID challengeId) {
    return Panache.withSession(() -> challenges.findById(challengeId)).map(StepUpService::found);
  }

  /** The challenge, if it belongs to this user; NOT_FOUND otherwise (existence is not leaked). */
  public Uni<Challenge> getOwn(UUID userId, UUID challengeId) {
    return get(challengeId)
        .map(
            challenge -> {
              if (!challenge.userId.equals(userId)) {
                throw notFound();
              }
              return challenge;
            });
  }

  /** Checks an answer; on success issues the step-up token bound to the challenge's purpose. */
  public Uni<Verified> verify(UUID challengeId, Proof proof, Origin origin) {
    return get(challengeId).chain(challenge -> verify(challenge, proof, origin));
  }

  /** The same, for a user answering in their own app: the challenge must be theirs. */
  public Uni<Verified> verifyOwn(UUID userId, UUID challengeId, Proof proof, Origin origin) {
    return getOwn(userId, challengeId).chain(challenge -> verify(challenge, proof, origin));
  }

  /** Redeems a step-up token for its purpose, exactly once. */
  public Uni<Redeemed> redeem(String token, String purpose, Origin origin) {
    if (token == null || token.isBlank() || purpose == null || purpose.isBlank()) {
      throw ApiException.invalid("step_up_token and purpose are required", "MISSING_FIELD");
    }
    return verifier
        .verify(token)
        .chain(
            claims -> {
              TokenClaims parsed = TokenClaims.of(claims);
              if (!purpose.equals(parsed.purpose())) {
                throw ApiException.forbidden(
                    "The step-up token was issued for another purpose", "PURPOSE_MISMATCH");
              }
              return Panache.withTransaction(
                  () ->
                      tokens
                          .consume(parsed.jti(), purpose, Instant.now())
                          .chain(
                              consumed -> {
                                if (consumed == 0) {
                                  throw ApiException.forbidden(
                                      "The step-up token was already used or has expired", "STEP_UP_TOKEN_USED");
                                }
                                return audit.record(AuditLog.Actor.service("payments"), parsed.userId(),
                                    STEP_UP_REDEEMED, AuditLog.Outcome.SUCCESS, origin, purpose);
                              })
                          .replaceWith(new Redeemed(parsed.userId(), parsed.challengeId(), parsed.acr())));
            });
  }

  private Uni<Verified> verify(Challenge challenge, Proof proof, Origin origin) {
    Instant now = Instant.now();
    ensureAnswerable(challenge, proof, now);
    return Panache.withSession(() -> users.findById(challenge.userId))
        .invoke(lockout::ensureNotLocked)
        .chain(user -> check(challenge, proof, origin))
        .chain(
            ok ->
                ok
                    ? accept(challenge, proof, origin)
                    : reject(challenge, proof, origin));
  }

  private Uni<Boolean> check(Challenge challenge, Proof proof, Origin origin) {
    return switch (proof) {
      case Proof.Totp totp -> secondFactors.verifyTotp(challenge.userId, totp.code(), origin);
      case Proof.RecoveryCode code -> secondFactors.redeemRecoveryCode(challenge.userId, code.code(), origin);
      case Proof.DeviceSignature device ->
          devices.verifySignature(
              challenge.userId, device.deviceId(), challenge.deviceNonce, device.signature());
    };
  }

  private Uni<Verified> accept(Challenge challenge, Proof proof, Origin origin) {
    Instant now = Instant.now();
    String acr = proof.method().acr;
    return Panache.withTransaction(
            () ->
                challenges
                    .markVerified(challenge.id, proof.method().name(), now)
                    .chain(
                        won -> {
                          if (won == 0) {
                            throw ApiException.precondition(
                                "This challenge was already answered", "CHALLENGE_ALREADY_USED");
                          }
                          return issuer.stepUpToken(
                              challenge.userId, challenge.purpose, challenge.id.toString(), acr, null);
                        })
                    .call(issued -> tokens.persist(tokenRecord(challenge, issued, acr, now)))
                    .call(() -> audit.record(AuditLog.Actor.user(challenge.userId), challenge.userId,
                        STEP_UP_VERIFIED, AuditLog.Outcome.SUCCESS, origin, proof.method().name())))
        .call(() -> lockout.recordSuccess(challenge.userId))
        .map(issued -> new Verified(issued.token(), issued.expiresAt(), acr));
  }

  private Uni<Verified> reject(Challenge challenge, Proof proof, Origin origin) {
    return Panache.withTransaction(
            () ->
                challenges
                    .recordWrongAnswer(challenge.id)
                    .call(() -> audit.record(AuditLog.Actor.ANONYMOUS, challenge.userId, STEP_UP_FAILED,
                        AuditLog.Outcome.FAILURE, origin, proof.method().name()))
                    .call(() -> securityEvents.record(SecurityEvents.STEP_UP_FAILED, challenge.userId, origin,
                        new io.vertx.core.json.JsonObject()
                            .put("reason", "WRONG_ANSWER")
                            .put("method", proof.method().name())
                            .put("challengeId", challenge.id.toString()))))
        .invoke(securityEvents::committed)
        .chain(() -> lockout.recordFailure(challenge.userId, origin))
        .chain(
            () ->
                Uni.createFrom()
                    .failure(ApiException.forbidden("The answer to the challenge is not correct", "INVALID_PROOF")));
  }

  private Uni<Challenge> persistNew(
      NewChallenge request, Set<Challenge.Method> methods, Instant now, Origin origin) {
    if (methods.isEmpty()) {
      throw ApiException.precondition(
          "The user has no second factor to confirm with (no TOTP, no device key)", "NO_STEP_UP_METHOD");
    }
    Challenge challenge = new Challenge();
    challenge.id = Ids.newId();
    challenge.userId = request.userId();
    challenge.purpose = request.purpose();
    challenge.amountMinor = request.amountMinor();
    challenge.currency = request.currency();
    challenge.reasons = request.reasons() == null ? null : String.join("\n", request.reasons());
    challenge.allowedMethods = methods.stream().map(Enum::name).collect(Collectors.joining(","));
    challenge.deviceNonce = Secrets.newToken("fsn_", 32);
    challenge.status = Challenge.Status.PENDING;
    challenge.createdBy = request.createdBy();
    challenge.createdAt = now;
    challenge.expiresAt = now.plus(CHALLENGE_TTL);
    return challenges
        .persist(challenge)
        .call(() -> audit.record(new AuditLog.Actor("client", request.createdBy()), request.userId(),
            CHALLENGE_CREATED, AuditLog.Outcome.SUCCESS, origin, request.purpose()));
  }

  private Uni<Set<Challenge.Method>> allowedMethods(UUID userId) {
    return secondFactors
        .totpEnabled(userId)
        .chain(
            totp ->
                devices
                    .countActive(userId)
                    .map(
                        deviceCount -> {
                          Set<Challenge.Method> methods = EnumSet.noneOf(Challenge.Method.class);
                          if (totp) {
                            methods.add(Challenge.Method.TOTP);
                            methods.add(Challenge.Method.RECOVERY_CODE);
                          }
                          if (deviceCount > 0) {
                            methods.add(Challenge.Method.DEVICE_KEY);
                          }
                          return methods;
                        }));
  }

  private Uni<User> activeUser(UUID userId) {
    return users.findActive(userId).invoke(lockout::ensureNotLocked);
  }

  private static void ensureAnswerable(Challenge challenge, Proof proof, Instant now) {
    if (challenge.status == Challenge.Status.VERIFIED) {
      throw ApiException.precondition("This challenge was already answered", "CHALLENGE_ALREADY_USED");
    }
    if (challenge.status == Challenge.Status.FAILED) {
      throw ApiException.precondition("Too many wrong answers; ask for a new challenge", "CHALLENGE_FAILED");
    }
    if (challenge.isExpired(now)) {
      throw ApiException.precondition("This challenge has expired", "CHALLENGE_EXPIRED");
    }
    if (!challenge.methods().contains(proof.method())) {
      throw ApiException.precondition(
          "This challenge cannot be answered with " + proof.method().name(), "METHOD_NOT_ALLOWED");
    }
  }

  private static void validate(NewChallenge request) {
    if (request.userId() == null) {
      throw ApiException.invalid("user_id is required", "MISSING_FIELD");
    }
    if (request.purpose() == null || request.purpose().isBlank()) {
      throw ApiException.invalid("purpose is required", "MISSING_FIELD");
    }
    if (request.purpose().length() > MAX_PURPOSE) {
      throw ApiException.invalid("purpose is too long", "INVALID_PURPOSE");
    }
    if (request.amountMinor() != null || request.currency() != null) {
      Amount.nonNegative(request.amountMinor(), request.currency(), "amount");
    }
    List<String> reasons = request.reasons();
    if (reasons != null
        && (reasons.size() > MAX_REASONS || reasons.stream().anyMatch(r -> r == null || r.length() > MAX_REASON_LENGTH))) {
      throw ApiException.invalid("too many or too long reasons", "INVALID_REASONS");
    }
  }

  private static StepUpToken tokenRecord(
      Challenge challenge, TokenIssuer.IssuedToken issued, String acr, Instant now) {
    StepUpToken record = new StepUpToken();
    record.jti = UUID.fromString(issued.jti());
    record.challengeId = challenge.id;
    record.userId = challenge.userId;
    record.purpose = challenge.purpose;
    record.acr = acr;
    record.issuedAt = now;
    record.expiresAt = issued.expiresAt();
    return record;
  }

  private static Challenge found(Challenge challenge) {
    if (challenge == null) {
      throw notFound();
    }
    return challenge;
  }

  private static ApiException notFound() {
    return ApiException.notFound("No such challenge", "CHALLENGE_NOT_FOUND");
  }

  private record TokenClaims(UUID jti, UUID userId, UUID challengeId, String purpose, String acr) {
    static TokenClaims of(JwtClaims claims) {
      try {
        return new TokenClaims(
            UUID.fromString(claims.getJwtId()),
            UUID.fromString(claims.getSubject()),
            UUID.fromString(claims.getStringClaimValue("challenge_id")),
            claims.getStringClaimValue("purpose"),
            claims.getStringClaimValue("acr"));
      } catch (MalformedClaimException | RuntimeException e) {
        throw ApiException.forbidden("The step-up token is not valid", "INVALID_STEP_UP_TOKEN");
      }
    }
  }
}
