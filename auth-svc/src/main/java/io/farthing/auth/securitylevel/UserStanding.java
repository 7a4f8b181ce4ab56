package io.farthing.auth.securitylevel;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.auth.credentials.DeviceSignatures;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
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
      /** For STRICT: payments at or above it need step-up; null for the other levels. */
      Amount strictThreshold,
      String timeZone,
      boolean totpEnabled,
      int deviceCount) {}

  private final UserRepository users;
  private final SecondFactors secondFactors;
  private final DeviceSignatures devices;

  public UserStanding(UserRepository users, SecondFactors secondFactors, DeviceSignatures devices) {
    this.users = users;
    this.secondFactors = secondFactors;
    this.devices = devices;
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
                      return credentials(user)
                          .map(factors -> standing(user, factors.totp(), factors.devices()));
                    }));
  }

  private record Factors(boolean totp, int devices) {}

  private Uni<Factors> credentials(User user) {
    if (!user.isActive()) {
      return Uni.createFrom().item(new Factors(false, 0));
    }
    return secondFactors
        .totpEnabled(user.id)
        .chain(totp -> devices.countActive(user.id).map(count -> new Factors(totp, count.intValue())));
  }

  private static Standing standing(User user, boolean totpEnabled, int deviceCount) {
    Status status = !user.isActive() ? Status.ERASED
        : user.isLocked(Instant.now()) ? Status.LOCKED
        : Status.ACTIVE;
    Amount threshold = SecurityLevelService.Setting.of(user).strictThreshold();
    return new Standing(user.id, status, user.securityLevel, threshold, user.timeZone, totpEnabled, deviceCount);
  }
}
