package io.farthing.auth.session;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.crypto.PasswordHasher;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.security.RateLimiter;
import io.farthing.auth.token.TokenIssuer;
import io.farthing.auth.totp.MfaTickets;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Sign-in sessions: password login, refresh-token rotation with reuse detection, logout.
 * A session is a family of refresh tokens; each use spends one and issues the next.
 */
@ApplicationScoped
public class SessionService {
  public static final String LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED";
  public static final String LOGIN_FAILED = "LOGIN_FAILED";
  public static final String LOGOUT = "LOGOUT";
  public static final String REFRESH_REUSE_DETECTED = "REFRESH_TOKEN_REUSE_DETECTED";
  private static final String REFRESH_PREFIX = "frt_";
  private static final String INVALID_CREDENTIALS = "INVALID_CREDENTIALS";

  /** What a password sign-in yields: a session, or the need for a second factor. */
  public sealed interface LoginResult permits Session, MfaRequired {}

  /** Tokens handed to a signed-in user. */
  public record Session(
      String accessToken, long expiresIn, String refreshToken, long refreshExpiresIn, UUID userId)
      implements LoginResult {}

  /** The password was right; the sign-in completes at /v1/auth/login/mfa with this ticket. */
  public record MfaRequired(String mfaToken, List<String> methods, long expiresIn)
      implements LoginResult {}

  private final UserRepository users;
  private final RefreshTokenRepository refreshTokens;
  private final PersonalData personalData;
  private final PasswordHasher hasher;
  private final TokenIssuer issuer;
  private final Lockout lockout;
  private final RateLimiter rateLimiter;
  private final AuditLog audit;
  private final AuthConfig config;
  private final SecondFactors secondFactors;
  private final MfaTickets mfaTickets;

  public SessionService(
      UserRepository users,
      RefreshTokenRepository refreshTokens,
      PersonalData personalData,
      PasswordHasher hasher,
      TokenIssuer issuer,
      Lockout lockout,
      RateLimiter rateLimiter,
      AuditLog audit,
      AuthConfig config,
      SecondFactors secondFactors,
      MfaTickets mfaTickets) {
    this.users = users;
    this.refreshTokens = refreshTokens;
    this.personalData = personalData;
    this.hasher = hasher;
    this.issuer = issuer;
    this.lockout = lockout;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.config = config;
    this.secondFactors = secondFactors;
    this.mfaTickets = mfaTickets;
  }

  /**
   * Checks email and password. Unknown email, erased account and wrong password answer alike
   * (same status, same work), so the answer does not reveal which accounts exist.
   */
  public Uni<User> checkPassword(String email, String password, Origin origin) {
    return verifyPassword(email, password, origin).chain(this::passed);
  }

  /** {@link #checkPassword} without clearing the failure count on success. */
  private Uni<User> verifyPassword(String email, String password, Origin origin) {
    if (email == null || email.isBlank() || password == null || password.isEmpty()) {
      throw ApiException.invalid("email and password are required", "MISSING_FIELD");
    }
    String emailIndex = personalData.emailIndex(email);
    return rateLimiter
        .check("login", origin.ip(), config.rateLimit().loginPerMinute())
        .chain(() -> Panache.withSession(() -> users.findByEmailIndex(emailIndex)))
        .chain(
            user -> {
              if (user == null || !user.isActive() || user.passwordHash == null) {
                return hasher
                    .verifyDecoy(password)
                    .call(() -> audit.recordAlone(AuditLog.Actor.ANONYMOUS, null, LOGIN_FAILED,
                        AuditLog.Outcome.FAILURE, origin, "unknown account"))
                    .chain(() -> Uni.createFrom().failure(invalidCredentials()));
              }
              lockout.ensureNotLocked(user);
              return hasher
                  .verify(password, user.passwordHash)
                  .chain(ok -> ok ? Uni.createFrom().item(user) : failed(user, origin, "wrong password"));
            });
  }

  /**
   * Password sign-in. An account with TOTP gets an MFA ticket instead of tokens, and its failure
   * count is only cleared once the second factor is right too: otherwise every correct password
   * would reset the count and allow unlimited guessing of codes.
   */
  public Uni<LoginResult> login(String email, String password, Origin origin) {
    return verifyPassword(email, password, origin)
        .chain(user -> secondFactors.totpEnabled(user.id).chain(mfa -> {
          Uni<? extends LoginResult> result = mfa
              ? mfaTickets.issue(user, origin)
              : passed(user).chain(passed -> open(passed, Set.of("pwd"), origin));
          return result.map(LoginResult.class::cast);
        }));
  }

  /** Opens a new session (refresh-token family) for a user who has proved who they are. */
  public Uni<Session> open(User user, Set<String> amr, Origin origin) {
    Instant now = Instant.now();
    String refresh = Secrets.newToken(REFRESH_PREFIX, 32);
    RefreshToken row = newRefreshToken(user.id, Ids.newId(), refresh, String.join(" ", amr), now);
    return Panache.withTransaction(
            () ->
                refreshTokens
                    .persist(row)
                    .call(() -> audit.record(AuditLog.Actor.user(user.id), user.id, LOGIN_SUCCEEDED,
                        AuditLog.Outcome.SUCCESS, origin, String.join(" ", amr))))
        .chain(() -> issuer.userAccessToken(user.id, user.roleSet(), amr))
        .map(access -> session(user.id, access, refresh, row));
  }

  /** Spends a refresh token and returns the next one; a spent token revokes its family. */
  public Uni<Session> refresh(String presented, Origin origin) {
    if (presented == null || presented.isBlank()) {
      throw ApiException.invalid("refreshToken is required", "MISSING_FIELD");
    }
    String hash = Secrets.sha256Hex(presented);
    Instant now = Instant.now();
    String next = Secrets.newToken(REFRESH_PREFIX, 32);
    return rateLimiter
        .check("refresh", origin.ip(), config.rateLimit().tokenPerMinute())
        .chain(() -> Panache.withTransaction(() -> rotate(hash, next, now, origin)))
        .chain(
            outcome -> {
              if (outcome.failure() != null) {
                return Uni.createFrom().failure(outcome.failure());
              }
              User user = outcome.user();
              return issuer
                  .userAccessToken(user.id, user.roleSet(), amrOf(outcome.next()))
                  .map(access -> session(user.id, access, next, outcome.next()));
            });
  }

  /** Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent). */
  public Uni<Void> logout(String presented, Origin origin) {
    if (presented == null || presented.isBlank()) {
      throw ApiException.invalid("refreshToken is required", "MISSING_FIELD");
    }
    String hash = Secrets.sha256Hex(presented);
    return Panache.withTransaction(
        () ->
            refreshTokens
                .findByHash(hash)
                .chain(
                    token -> {
                      if (token == null) {
                        return Uni.createFrom().voidItem();
                      }
                      return refreshTokens
                          .revokeFamily(token.familyId, Instant.now())
                          .call(() -> audit.record(AuditLog.Actor.user(token.userId), token.userId,
                              LOGOUT, AuditLog.Outcome.SUCCESS, origin, null))
                          .replaceWithVoid();
                    }));
  }

  /** Ends every session of a user (all devices). */
  public Uni<Void> logoutEverywhere(UUID userId, Origin origin) {
    return Panache.withTransaction(
        () ->
            refreshTokens
                .revokeAllForUser(userId, Instant.now())
                .call(() -> audit.record(AuditLog.Actor.user(userId), userId, LOGOUT,
                    AuditLog.Outcome.SUCCESS, origin, "all sessions"))
                .replaceWithVoid());
  }

  /** A failed credential check: counted towards lock-out, audited, then refused. */
  public Uni<User> failed(User user, Origin origin, String why) {
    return audit
        .recordAlone(AuditLog.Actor.ANONYMOUS, user.id, LOGIN_FAILED, AuditLog.Outcome.FAILURE, origin, why)
        .chain(() -> lockout.recordFailure(user.id, origin))
        .chain(() -> Uni.createFrom().failure(invalidCredentials()));
  }

  private Uni<User> passed(User user) {
    return lockout.recordSuccess(user.id).replaceWith(user);
  }

  private record Rotation(User user, RefreshToken next, ApiException failure) {
    static Rotation refused(ApiException failure) {
      return new Rotation(null, null, failure);
    }
  }

  private record Spend(int rowsSpent, RefreshToken token) {}

  private Uni<Rotation> rotate(String hash, String next, Instant now, Origin origin) {
    return refreshTokens
        .spend(hash, now)
        .chain(spent -> refreshTokens.findByHash(hash).map(token -> new Spend(spent, token)))
        .chain(
            attempt -> {
              int spent = attempt.rowsSpent();
              RefreshToken token = attempt.token();
              if (token == null) {
                return Uni.createFrom().item(Rotation.refused(invalidRefresh()));
              }
              if (spent == 0) {
                return token.usedAt != null && token.revokedAt == null
                    ? reuseDetected(token, now, origin)
                    : Uni.createFrom().item(Rotation.refused(invalidRefresh()));
              }
              return users
                  .findById(token.userId)
                  .chain(
                      user -> {
                        if (user != null && user.isActive() && user.isLocked(now)) {
                          // Throwing rolls the spend back: a lock-out that someone else caused
                          // with wrong passwords must not end the owner's sessions.
                          lockout.ensureNotLocked(user);
                        }
                        if (user == null || !user.isActive()) {
                          return refreshTokens
                              .revokeFamily(token.familyId, now)
                              .replaceWith(Rotation.refused(invalidRefresh()));
                        }
                        RefreshToken successor =
                            newRefreshToken(user.id, token.familyId, next, token.authMethod, now);
                        return refreshTokens.persist(successor).map(s -> new Rotation(user, s, null));
                      });
            });
  }

  private Uni<Rotation> reuseDetected(RefreshToken token, Instant now, Origin origin) {
    return refreshTokens
        .revokeFamily(token.familyId, now)
        .call(() -> audit.record(AuditLog.Actor.ANONYMOUS, token.userId, REFRESH_REUSE_DETECTED,
            AuditLog.Outcome.DENIED, origin, "family " + token.familyId))
        .replaceWith(
            Rotation.refused(
                ApiException.unauthenticated(
                    "This refresh token was already used; the session has been ended",
                    "REFRESH_TOKEN_REUSED")));
  }

  private RefreshToken newRefreshToken(
      UUID userId, UUID familyId, String token, String authMethod, Instant now) {
    RefreshToken row = new RefreshToken();
    row.id = Ids.newId();
    row.familyId = familyId;
    row.userId = userId;
    row.tokenHash = Secrets.sha256Hex(token);
    row.issuedAt = now;
    row.expiresAt = now.plus(config.refresh().ttl());
    row.authMethod = authMethod;
    return row;
  }

  private static Session session(
      UUID userId, TokenIssuer.IssuedToken access, String refresh, RefreshToken row) {
    long refreshSeconds = Math.max(0, row.expiresAt.getEpochSecond() - Instant.now().getEpochSecond());
    return new Session(access.token(), access.expiresInSeconds(), refresh, refreshSeconds, userId);
  }

  private static Set<String> amrOf(RefreshToken token) {
    return new TreeSet<>(Arrays.asList(token.authMethod.split(" ")));
  }

  private static ApiException invalidCredentials() {
    return ApiException.unauthenticated("Email or password is not correct", INVALID_CREDENTIALS);
  }

  private static ApiException invalidRefresh() {
    return ApiException.unauthenticated("The refresh token is not valid", "INVALID_REFRESH_TOKEN");
  }
}
