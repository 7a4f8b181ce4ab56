package io.farthing.auth.totp;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.security.RateLimiter;
import io.farthing.auth.session.SessionService;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;

/**
 * Second step of signing in: an MFA ticket plus a TOTP code or a recovery code opens the
 * session. The ticket is locked while the answer is checked and spent only by a right answer;
 * a wrong answer is audited and counts towards the account's lock-out, shared with passwords.
 */
@ApplicationScoped
public class MfaLoginService {
  public static final String MFA_FAILED = "LOGIN_MFA_FAILED";
  static final Set<String> AMR = Set.of("pwd", "otp");

  private final MfaTicketRepository tickets;
  private final SecondFactors secondFactors;
  private final UserRepository users;
  private final SessionService sessions;
  private final Lockout lockout;
  private final RateLimiter rateLimiter;
  private final AuditLog audit;
  private final AuthConfig config;

  public MfaLoginService(
      MfaTicketRepository tickets,
      SecondFactors secondFactors,
      UserRepository users,
      SessionService sessions,
      Lockout lockout,
      RateLimiter rateLimiter,
      AuditLog audit,
      AuthConfig config) {
    this.tickets = tickets;
    this.secondFactors = secondFactors;
    this.users = users;
    this.sessions = sessions;
    this.lockout = lockout;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.config = config;
  }

  /** Which second factor the caller answered with. */
  private enum Method {
    TOTP,
    RECOVERY_CODE
  }

  private record Attempt(User user, Method method, boolean passed) {}

  public Uni<SessionService.Session> complete(
      String mfaToken, String code, String recoveryCode, Origin origin) {
    if (mfaToken == null || mfaToken.isBlank()) {
      throw ApiException.invalid("mfaToken is required", "MISSING_FIELD");
    }
    Method method = methodOf(code, recoveryCode);
    String answer = method == Method.TOTP ? Totp.normalize(code) : recoveryCode;
    if (method == Method.TOTP && !Totp.isWellFormed(answer)) {
      throw ApiException.invalid("code must be 6 digits", "MALFORMED_OTP");
    }
    String ticketHash = Secrets.sha256Hex(mfaToken);
    return rateLimiter
        .check("mfa", origin.ip(), config.rateLimit().loginPerMinute())
        .chain(() -> Panache.withTransaction(() -> attempt(ticketHash, method, answer, origin)))
        .chain(attempt -> attempt.passed() ? signIn(attempt.user(), origin) : refuse(attempt, origin));
  }

  private Uni<Attempt> attempt(String ticketHash, Method method, String answer, Origin origin) {
    Instant now = Instant.now();
    return tickets
        .findLiveForUpdate(ticketHash, now)
        .chain(ticket -> {
          if (ticket == null) {
            throw invalidTicket();
          }
          return users.findById(ticket.userId).chain(user -> {
            if (user == null || !user.isActive()) {
              throw invalidTicket();
            }
            lockout.ensureNotLocked(user);
            return verify(user, method, answer, origin).map(passed -> {
              if (passed) {
                ticket.usedAt = now;
              }
              return new Attempt(user, method, passed);
            });
          });
        });
  }

  private Uni<Boolean> verify(User user, Method method, String answer, Origin origin) {
    return method == Method.TOTP
        ? secondFactors.verifyTotp(user.id, answer, origin)
        : secondFactors.redeemRecoveryCode(user.id, answer, origin);
  }

  private Uni<SessionService.Session> signIn(User user, Origin origin) {
    return lockout.recordSuccess(user.id).chain(() -> sessions.open(user, AMR, origin));
  }

  private Uni<SessionService.Session> refuse(Attempt attempt, Origin origin) {
    UserRefusal refusal = attempt.method() == Method.TOTP
        ? new UserRefusal("totp", "INVALID_OTP", "The code is not valid")
        : new UserRefusal("recovery code", "INVALID_RECOVERY_CODE", "The recovery code is not valid");
    return audit
        .recordAlone(AuditLog.Actor.ANONYMOUS, attempt.user().id, MFA_FAILED,
            AuditLog.Outcome.FAILURE, origin, refusal.detail())
        .chain(() -> lockout.recordFailure(attempt.user().id, origin))
        .chain(() -> Uni.createFrom().failure(
            ApiException.unauthenticated(refusal.message(), refusal.reason())));
  }

  private record UserRefusal(String detail, String reason, String message) {}

  private static Method methodOf(String code, String recoveryCode) {
    boolean hasCode = code != null && !code.isBlank();
    boolean hasRecovery = recoveryCode != null && !recoveryCode.isBlank();
    if (hasCode == hasRecovery) {
      throw ApiException.invalid("Send either code or recoveryCode", "MISSING_FIELD");
    }
    return hasCode ? Method.TOTP : Method.RECOVERY_CODE;
  }

  private static ApiException invalidTicket() {
    return ApiException.unauthenticated(
        "The sign-in has expired or was already completed; sign in again", "INVALID_MFA_TOKEN");
  }
}
