package io.farthing.auth.securitylevel;

import io.farthing.auth.common.ApiException;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.UUID;

/**
 * A user's status and the preferences other services need before moving money (GetUser):
 * never personal data. Erased users are still answered (status ERASED), since payments refer to
 * their ids.
 */
@ApplicationScoped
public class UserStanding {

  public enum Status {
    ACTIVE,
    /** Locked after repeated failed sign-ins, until lockedUntil. */
    LOCKED,
    ERASED
  }

  public record Standing(
      UUID userId,
      Status status,
      User.SecurityLevel securityLevel,
      String timeZone,
      boolean totpEnabled,
      int deviceCount) {}

  private final UserRepository users;
  /** Provided by the TOTP feature; absent, TOTP is reported as not enabled. */
  private final Instance<SecondFactors> secondFactors;

  public UserStanding(UserRepository users, Instance<SecondFactors> secondFactors) {
    this.users = users;
    this.secondFactors = secondFactors;
  }

  public Uni<Standing> of(UUID userId) {
    return Panache.withSession(
        () ->
            users
                .findById(userId)
                .chain(
                    user -> {
                      if (user == null) {
                        throw ApiException.notFound("No such user", "USER_NOT_FOUND");
                      }
                      return totpEnabled(user).map(totp -> standing(user, totp));
                    }));
  }

  private Uni<Boolean> totpEnabled(User user) {
    if (!user.isActive() || !secondFactors.isResolvable()) {
      return Uni.createFrom().item(false);
    }
    return secondFactors.get().totpEnabled(user.id);
  }

  private static Standing standing(User user, boolean totpEnabled) {
    Status status = !user.isActive() ? Status.ERASED
        : user.isLocked(Instant.now()) ? Status.LOCKED
        : Status.ACTIVE;
    // Device keys are counted by the device feature, which fills this in; none are known here.
    int deviceCount = 0;
    return new Standing(user.id, status, user.securityLevel, user.timeZone, totpEnabled, deviceCount);
  }
}
