package io.farthing.auth.user;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.crypto.PasswordHasher;
import io.farthing.auth.session.RefreshTokenRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Registration, profile and password of a user. */
@ApplicationScoped
public class UserService {
  public static final String REGISTERED = "USER_REGISTERED";
  public static final String PASSWORD_CHANGED = "PASSWORD_CHANGED";
  public static final String PROFILE_CHANGED = "PROFILE_CHANGED";
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
  private static final int MAX_EMAIL = 254;
  private static final int MAX_DISPLAY_NAME = 100;

  public record Profile(UUID id, String email, String displayName, String timeZone, String roles,
      User.SecurityLevel securityLevel, Instant createdAt) {}

  private final UserRepository users;
  private final PersonalData personalData;
  private final PasswordHasher hasher;
  private final AuditLog audit;
  private final AuthConfig.Password passwordRules;
  private final RefreshTokenRepository refreshTokens;
  private final Reauthentication reauthentication;

  public UserService(
      UserRepository users,
      RefreshTokenRepository refreshTokens,
      Reauthentication reauthentication,
      PersonalData personalData,
      PasswordHasher hasher,
      AuditLog audit,
      AuthConfig config) {
    this.users = users;
    this.refreshTokens = refreshTokens;
    this.reauthentication = reauthentication;
    this.personalData = personalData;
    this.hasher = hasher;
    this.audit = audit;
    this.passwordRules = config.password();
  }

  public Uni<Profile> register(
      String email, String password, String displayName, String timeZone, Origin origin) {
    return register(email, password, displayName, timeZone, "user", origin);
  }

  /** Creates a user; {@code roles} other than "user" only through bootstrap or admin paths. */
  public Uni<Profile> register(
      String email, String password, String displayName, String timeZone, String roles, Origin origin) {
    String normalizedEmail = validEmail(email);
    checkPassword(password, normalizedEmail);
    String zone = validTimeZone(timeZone);
    String name = validDisplayName(displayName);
    String emailIndex = personalData.emailIndex(normalizedEmail);
    return hasher
        .hash(password)
        .chain(
            passwordHash ->
                Panache.withTransaction(
                    () ->
                        users
                            .findByEmailIndex(emailIndex)
                            .chain(
                                existing -> {
                                  if (existing != null) {
                                    throw ApiException.conflict(
                                        "An account with this email already exists", "EMAIL_TAKEN");
                                  }
                                  User user = newUser(emailIndex, normalizedEmail, name, zone, roles);
                                  user.passwordHash = passwordHash;
                                  return users.persist(user);
                                })
                            .call(
                                user ->
                                    audit.record(
                                        AuditLog.Actor.user(user.id),
                                        user.id,
                                        REGISTERED,
                                        AuditLog.Outcome.SUCCESS,
                                        origin,
                                        null))))
        .onFailure(UserService::isUniqueViolation)
        .transform(e -> ApiException.conflict("An account with this email already exists", "EMAIL_TAKEN"))
        .map(this::profileOf);
  }

  public Uni<Profile> profile(UUID userId) {
    return Panache.withSession(() -> requireActive(userId)).map(this::profileOf);
  }

  public Uni<Profile> updateProfile(UUID userId, String displayName, String timeZone, Origin origin) {
    String zone = timeZone == null ? null : validTimeZone(timeZone);
    String name = displayName == null ? null : validDisplayName(displayName);
    return Panache.withTransaction(
            () ->
                requireActive(userId)
                    .invoke(
                        user -> {
                          if (zone != null) {
                            user.timeZone = zone;
                          }
                          if (name != null) {
                            user.displayNameEnc = personalData.seal(user, "display_name", name);
                          }
                          user.updatedAt = Instant.now();
                        })
                    .call(
                        user ->
                            audit.record(
                                AuditLog.Actor.user(userId), userId, PROFILE_CHANGED,
                                AuditLog.Outcome.SUCCESS, origin, null)))
        .map(this::profileOf);
  }

  /** Changes the password after re-checking the current one; ends every other session. */
  public Uni<Void> changePassword(
      UUID userId, String currentPassword, String newPassword, Origin origin) {
    return Panache.withSession(() -> requireActive(userId))
        .chain(
            user -> {
              checkPassword(newPassword, personalData.open(user, "email", user.emailEnc));
              // Counts toward lock-out like a failed login: a stolen access token must not
              // become an unlimited password oracle.
              return reauthentication
                  .require(user, Reauthentication.Proof.of(null, currentPassword), origin)
                  .onFailure(ApiException.class)
                  .call(() -> audit.recordAlone(AuditLog.Actor.user(userId), userId, PASSWORD_CHANGED,
                      AuditLog.Outcome.DENIED, origin, "current password not proven"))
                  .chain(() -> hasher.hash(newPassword));
            })
        .chain(
            hash ->
                Panache.withTransaction(
                    () ->
                        users
                            .findById(userId)
                            .invoke(user -> {
                              user.passwordHash = (String) hash;
                              user.updatedAt = Instant.now();
                            })
                            .call(() -> refreshTokens.revokeAllForUser(userId, Instant.now()))
                            .call(() -> audit.record(AuditLog.Actor.user(userId), userId,
                                PASSWORD_CHANGED, AuditLog.Outcome.SUCCESS, origin, null))))
        .replaceWithVoid();
  }

  /** The user, if it exists and is not erased; NOT_FOUND otherwise. Needs an open session. */
  public Uni<User> requireActive(UUID userId) {
    return users.findActive(userId);
  }

  public Profile profileOf(User user) {
    return new Profile(
        user.id,
        personalData.open(user, "email", user.emailEnc),
        personalData.open(user, "display_name", user.displayNameEnc),
        user.timeZone,
        user.roles,
        user.securityLevel,
        user.createdAt);
  }

  private User newUser(String emailIndex, String email, String name, String zone, String roles) {
    Instant now = Instant.now();
    User user = new User();
    user.id = Ids.newId();
    user.emailIndex = emailIndex;
    personalData.initialise(user);
    user.emailEnc = personalData.seal(user, "email", email);
    user.displayNameEnc = personalData.seal(user, "display_name", name);
    user.roles = roles;
    user.status = User.Status.ACTIVE;
    user.timeZone = zone;
    user.securityLevel = User.SecurityLevel.STANDARD;
    user.createdAt = now;
    user.updatedAt = now;
    return user;
  }

  static String validEmail(String email) {
    if (email == null || email.isBlank()) {
      throw ApiException.invalid("email is required", "INVALID_EMAIL");
    }
    String normalized = PersonalData.normalizeEmail(email);
    if (normalized.length() > MAX_EMAIL || !EMAIL.matcher(normalized).matches()) {
      throw ApiException.invalid("email is not a valid address", "INVALID_EMAIL");
    }
    return normalized;
  }

  void checkPassword(String password, String email) {
    if (password == null || password.length() < passwordRules.minLength()) {
      throw ApiException.invalid(
          "password must have at least " + passwordRules.minLength() + " characters", "WEAK_PASSWORD");
    }
    if (password.length() > passwordRules.maxLength()) {
      throw ApiException.invalid(
          "password must have at most " + passwordRules.maxLength() + " characters", "WEAK_PASSWORD");
    }
    if (email != null && password.toLowerCase(Locale.ROOT).contains(email.split("@")[0])
        && email.split("@")[0].length() >= 4) {
      throw ApiException.invalid("password must not contain the email's name", "WEAK_PASSWORD");
    }
  }

  private static String validTimeZone(String timeZone) {
    if (timeZone == null || timeZone.isBlank()) {
      return "UTC";
    }
    try {
      return ZoneId.of(timeZone.trim()).getId();
    } catch (DateTimeException e) {
      throw ApiException.invalid("timeZone is not an IANA time zone", "INVALID_TIME_ZONE");
    }
  }

  private static String validDisplayName(String displayName) {
    if (displayName == null) {
      return null;
    }
    String trimmed = displayName.strip();
    if (trimmed.length() > MAX_DISPLAY_NAME) {
      throw ApiException.invalid("displayName is too long", "INVALID_DISPLAY_NAME");
    }
    return trimmed.isEmpty() ? null : trimmed;
  }

  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains("23505")) {
        return true;
      }
    }
    return false;
  }
}
