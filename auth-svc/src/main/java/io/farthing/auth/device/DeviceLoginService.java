package io.farthing.auth.device;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.config.AuthConfig;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.security.RateLimiter;
import io.farthing.auth.session.SessionService;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * Device sign-in (the server side of biometric sign-in): the server hands out a nonce, the
 * device signs it with its private key after unlocking it, the server checks the signature.
 * A nonce is spent by the first answer, right or wrong, so it can never be replayed; a wrong
 * signature counts towards the account's lock-out like a wrong password.
 */
@ApplicationScoped
public class DeviceLoginService {
  public static final String DEVICE_LOGIN = "DEVICE_LOGIN";
  static final Duration NONCE_TTL = Duration.ofMinutes(2);
  static final Set<String> AMR = Set.of("device");
  private static final String NONCE_PREFIX = "fdn_";
  /** Longer than any nonce we issue; bounds what is hashed. */
  private static final int MAX_NONCE = 128;

  @RegisterForReflection
  public record Nonce(String nonce, Instant expiresAt) {}

  private enum Result {
    SIGNED,
    BAD_SIGNATURE,
    CHALLENGE_NOT_VALID
  }

  private record Attempt(Result result, User user, UUID ownerId) {}

  private final DeviceKeyRepository devices;
  private final DeviceChallengeRepository challenges;
  private final UserRepository users;
  private final SessionService sessions;
  private final Lockout lockout;
  private final RateLimiter rateLimiter;
  private final AuditLog audit;
  private final AuthConfig config;

  public DeviceLoginService(
      DeviceKeyRepository devices,
      DeviceChallengeRepository challenges,
      UserRepository users,
      SessionService sessions,
      Lockout lockout,
      RateLimiter rateLimiter,
      AuditLog audit,
      AuthConfig config) {
    this.devices = devices;
    this.challenges = challenges;
    this.users = users;
    this.sessions = sessions;
    this.lockout = lockout;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.config = config;
  }

  /** A fresh nonce for the device to sign. */
  public Uni<Nonce> challenge(String deviceIdText, Origin origin) {
    UUID deviceId = Ids.parse(deviceIdText, "deviceId");
    String nonce = Secrets.newToken(NONCE_PREFIX, 32);
    Instant now = Instant.now();
    return rateLimiter
        .check("device", origin.ip(), config.rateLimit().loginPerMinute())
        .chain(() -> Panache.withTransaction(
            () ->
                devices
                    .findById(deviceId)
                    .chain(device -> device == null ? Uni.createFrom().failure(DeviceKeys.notFound())
                        : users.findById(device.userId).chain(user -> {
                          if (user == null || !user.isActive()) {
                            throw DeviceKeys.notFound();
                          }
                          lockout.ensureNotLocked(user);
                          return challenges.persist(newChallenge(deviceId, nonce, now));
                        }))))
        .map(saved -> new Nonce(nonce, saved.expiresAt));
  }

  /** Checks the device's signature over the nonce and opens a session with amr ["device"]. */
  public Uni<SessionService.Session> login(
      String deviceIdText, String nonce, String signatureBase64, Origin origin) {
    UUID deviceId = Ids.parse(deviceIdText, "deviceId");
    if (nonce == null || nonce.isBlank() || nonce.length() > MAX_NONCE) {
      throw ApiException.invalid("nonce is required", "MISSING_FIELD");
    }
    byte[] signature = DevicePublicKeys.decodeBase64(signatureBase64);
    if (signature == null) {
      throw ApiException.invalid("signature must be base64 of a DER ECDSA signature", "MALFORMED_SIGNATURE");
    }
    return rateLimiter
        .check("device", origin.ip(), config.rateLimit().loginPerMinute())
        .chain(() -> Panache.withTransaction(() -> attempt(deviceId, nonce, signature, origin)))
        .chain(attempt -> switch (attempt.result()) {
          case SIGNED -> lockout.recordSuccess(attempt.user().id)
              .chain(() -> sessions.open(attempt.user(), AMR, origin));
          case BAD_SIGNATURE -> refuse(attempt.ownerId(), deviceId, "bad signature", origin)
              .chain(() -> lockout.recordFailure(attempt.ownerId(), origin))
              .chain(() -> Uni.createFrom().failure(ApiException.unauthenticated(
                  "The signature does not match the device's key", "INVALID_DEVICE_SIGNATURE")));
          case CHALLENGE_NOT_VALID -> refuse(attempt.ownerId(), deviceId, "challenge not valid", origin)
              .chain(() -> Uni.createFrom().failure(ApiException.unauthenticated(
                  "The challenge is unknown, expired or already used; request a new one",
                  "INVALID_DEVICE_CHALLENGE")));
        });
  }

  /** Spends the nonce, then checks the signature, in one transaction that always commits. */
  private Uni<Attempt> attempt(UUID deviceId, String nonce, byte[] signature, Origin origin) {
    Instant now = Instant.now();
    return challenges
        .spend(Secrets.sha256Hex(nonce), deviceId, now)
        .chain(spent -> devices.findById(deviceId).chain(device -> {
          if (!spent || device == null) {
            UUID owner = device == null ? null : device.userId;
            return Uni.createFrom().item(new Attempt(Result.CHALLENGE_NOT_VALID, null, owner));
          }
          return users.findById(device.userId).chain(user -> {
            if (user == null || !user.isActive()) {
              return Uni.createFrom().item(new Attempt(Result.CHALLENGE_NOT_VALID, null, device.userId));
            }
            // Locked: refuse before looking at the signature; the nonce stays unspent (rollback).
            lockout.ensureNotLocked(user);
            if (!DevicePublicKeys.verify(device.publicKey, nonce, signature)) {
              return Uni.createFrom().item(new Attempt(Result.BAD_SIGNATURE, user, user.id));
            }
            device.lastUsedAt = now;
            return audit
                .record(AuditLog.Actor.user(user.id), user.id, DEVICE_LOGIN,
                    AuditLog.Outcome.SUCCESS, origin, "device " + deviceId)
                .replaceWith(new Attempt(Result.SIGNED, user, user.id));
          });
        }));
  }

  private Uni<Void> refuse(UUID ownerId, UUID deviceId, String why, Origin origin) {
    return audit.recordAlone(AuditLog.Actor.ANONYMOUS, ownerId, DEVICE_LOGIN,
        AuditLog.Outcome.FAILURE, origin, why + ", device " + deviceId);
  }

  private static DeviceChallenge newChallenge(UUID deviceId, String nonce, Instant now) {
    DeviceChallenge challenge = new DeviceChallenge();
    challenge.id = Ids.newId();
    challenge.deviceId = deviceId;
    challenge.nonceHash = Secrets.sha256Hex(nonce);
    challenge.createdAt = now;
    challenge.expiresAt = now.plus(NONCE_TTL);
    return challenge;
  }
}
