package io.farthing.auth.securitylevel;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Each user's security level: when payments need a step-up. Raising protection takes effect at
 * once; lowering it (a lower level, or a higher STRICT threshold) needs the current password, so
 * a stolen access token alone cannot switch step-up off.
 */
@ApplicationScoped
public class SecurityLevelService {
  public static final String CHANGED = "SECURITY_LEVEL_CHANGED";

  public record Setting(UUID userId, User.SecurityLevel level, Amount strictThreshold) {
    static Setting of(User user) {
      Amount threshold = user.securityLevel == User.SecurityLevel.STRICT && user.strictThresholdMinor != null
          ? new Amount(user.strictThresholdMinor, user.strictThresholdCurrency)
          : null;
      return new Setting(user.id, user.securityLevel, threshold);
    }
  }

  private final UserService users;
  private final Reauthentication reauthentication;
  private final AuditLog audit;

  public SecurityLevelService(
      UserService users, Reauthentication reauthentication, AuditLog audit) {
    this.users = users;
    this.reauthentication = reauthentication;
    this.audit = audit;
  }

  public Uni<Setting> get(UUID userId) {
    return Panache.withSession(() -> users.requireActive(userId)).map(Setting::of);
  }

  /** Validates a requested setting: STRICT needs a threshold, the other levels take none. */
  public static Setting requested(UUID userId, String level, Amount strictThreshold) {
    User.SecurityLevel parsed = parseLevel(level);
    if (parsed == User.SecurityLevel.STRICT && strictThreshold == null) {
      throw ApiException.invalid("STRICT needs a strictThreshold", "THRESHOLD_REQUIRED");
    }
    if (parsed != User.SecurityLevel.STRICT && strictThreshold != null) {
      throw ApiException.invalid("strictThreshold applies to STRICT only", "THRESHOLD_NOT_APPLICABLE");
    }
    return new Setting(userId, parsed, strictThreshold);
  }

  /**
   * Applies a setting. The password is checked (off the event loop, outside the transaction) only
   * when the change lowers protection; the transaction re-reads the user, so a change racing
   * another one is judged against what is actually stored.
   */
  public Uni<Setting> change(Setting wanted, String password, Origin origin) {
    UUID userId = wanted.userId();
    return Panache.withSession(() -> users.requireActive(userId))
        .chain(user -> lowers(user, wanted) ? confirmPassword(user, password, origin) : Uni.createFrom().item(false))
        .chain(passwordConfirmed -> Panache.withTransaction(() -> users.requireActive(userId)
            .call(user -> apply(user, wanted, passwordConfirmed, origin))))
        .map(Setting::of);
  }

  private Uni<Void> apply(User user, Setting wanted, boolean passwordConfirmed, Origin origin) {
    if (lowers(user, wanted) && !passwordConfirmed) {
      throw passwordRequired();
    }
    Setting before = Setting.of(user);
    if (before.equals(wanted)) {
      return Uni.createFrom().voidItem();
    }
    user.securityLevel = wanted.level();
    Amount threshold = wanted.strictThreshold();
    user.strictThresholdMinor = threshold == null ? null : threshold.amountMinor();
    user.strictThresholdCurrency = threshold == null ? null : threshold.currency();
    user.updatedAt = Instant.now();
    return audit.record(AuditLog.Actor.user(user.id), user.id, CHANGED, AuditLog.Outcome.SUCCESS, origin,
        describe(before) + " -> " + describe(wanted));
  }

  /** True when {@code wanted} gives less protection than the user has now. */
  static boolean lowers(User current, Setting wanted) {
    int now = rank(current.securityLevel);
    int next = rank(wanted.level());
    if (now != next) {
      return next < now;
    }
    if (wanted.level() != User.SecurityLevel.STRICT) {
      return false;
    }
    Amount threshold = Setting.of(current).strictThreshold();
    // A threshold in another currency cannot be compared, so it counts as lowering.
    return threshold == null
        || !threshold.currency().equals(wanted.strictThreshold().currency())
        || wanted.strictThreshold().amountMinor() > threshold.amountMinor();
  }

  private Uni<Boolean> confirmPassword(User user, String password, Origin origin) {
    if (password == null || password.isEmpty()) {
      return deny(user.id, origin, "password required", passwordRequired());
    }
    return reauthentication
        .require(user, Reauthentication.Proof.of(null, password), origin)
        .onFailure(ApiException.class)
        .call(() -> audit.recordAlone(AuditLog.Actor.user(user.id), user.id, CHANGED,
            AuditLog.Outcome.DENIED, origin, "wrong password"))
        .replaceWith(true);
  }

  private Uni<Boolean> deny(UUID userId, Origin origin, String why, ApiException failure) {
    return audit
        .recordAlone(AuditLog.Actor.user(userId), userId, CHANGED, AuditLog.Outcome.DENIED, origin, why)
        .chain(() -> Uni.createFrom().failure(failure));
  }

  private static int rank(User.SecurityLevel level) {
    return switch (level) {
      case STANDARD -> 0;
      case STRICT -> 1;
      case ALWAYS -> 2;
    };
  }

  private static User.SecurityLevel parseLevel(String level) {
    if (level == null || level.isBlank()) {
      throw ApiException.invalid("level is required", "MISSING_FIELD");
    }
    try {
      return User.SecurityLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("level must be STANDARD, STRICT or ALWAYS", "INVALID_SECURITY_LEVEL");
    }
  }

  private static String describe(Setting setting) {
    Amount threshold = setting.strictThreshold();
    return threshold == null
        ? setting.level().name()
        : setting.level() + "(" + threshold.amountMinor() + " " + threshold.currency() + ")";
  }

  private static ApiException passwordRequired() {
    return ApiException.forbidden(
        "Lowering your security level needs your current password", "PASSWORD_REQUIRED");
  }
}
