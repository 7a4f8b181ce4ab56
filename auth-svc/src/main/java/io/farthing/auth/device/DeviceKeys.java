package io.farthing.auth.device;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.event.SecurityEvents;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.auth.credentials.DeviceSignatures;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A user's device keys: register, list, remove, and check a device's signature (for device
 * sign-in and step-up). Another user's device is treated exactly like an unknown one, so ids
 * never reveal whether they exist.
 */
@ApplicationScoped
public class DeviceKeys implements DeviceSignatures {
  public static final String REGISTERED = "DEVICE_REGISTERED";
  public static final String REMOVED = "DEVICE_REMOVED";
  public static final String DEVICE_NOT_FOUND = "DEVICE_NOT_FOUND";
  /** Enough for every phone, tablet and laptop a person has; bounds the table and the list. */
  static final int MAX_DEVICES = 10;
  static final int MAX_NAME = 64;

  /** A device as its owner sees it: no key material. */
  @RegisterForReflection
  public record Device(UUID id, String name, Instant createdAt, Instant lastUsedAt) {}

  private final DeviceKeyRepository devices;
  private final UserRepository users;
  private final PersonalData personalData;
  private final AuditLog audit;

  private final Reauthentication reauthentication;
  private final SecurityEvents securityEvents;

  public DeviceKeys(
      DeviceKeyRepository devices,
      UserRepository users,
      PersonalData personalData,
      AuditLog audit,
      Reauthentication reauthentication,
      SecurityEvents securityEvents) {
    this.securityEvents = securityEvents;
    this.reauthentication = reauthentication;
    this.devices = devices;
    this.users = users;
    this.personalData = personalData;
    this.audit = audit;
  }

  /** Registers a device key after a fresh proof (TOTP code or password), never on the token alone. */
  public Uni<Device> register(
      UUID userId, String name, String publicKeyBase64, Reauthentication.Proof proof, Origin origin) {
    return audit.refusalsAudited(REGISTERED, userId, origin, () -> {
      String cleanName = validName(name);
      byte[] publicKey = DevicePublicKeys.parseP256(publicKeyBase64);
      return Panache.withSession(() -> users.findActive(userId))
          .call(user -> reauthentication.require(user, proof, origin))
          .chain(() -> Panache.withTransaction(
          () ->
              users.lockActive(userId)
                  .call(() -> ensureRoomFor(userId, publicKey))
                  .chain(user -> devices.persist(newDevice(user, cleanName, publicKey)))
                  .call(device -> audit.record(AuditLog.Actor.user(userId), userId, REGISTERED,
                      AuditLog.Outcome.SUCCESS, origin, "device " + device.id))
                  .call(device -> securityEvents.record(SecurityEvents.NEW_DEVICE, userId, origin,
                      new io.vertx.core.json.JsonObject()
                          .put("deviceId", device.id.toString())
                          .put("deviceName", cleanName)))
                  .map(device -> new Device(device.id, cleanName, device.createdAt, null))))
          .invoke(securityEvents::committed);
    });
  }

  public Uni<List<Device>> list(UUID userId) {
    return Panache.withSession(
        () ->
            users
                .findActive(userId)
                .chain(user -> devices.listForUser(userId)
                    .map(rows -> rows.stream().map(row -> view(user, row)).toList())));
  }

  /** Removes the user's device; an unknown id and another user's id are both DEVICE_NOT_FOUND. */
  public Uni<Void> remove(UUID userId, UUID deviceId, Origin origin) {
    return audit.refusalsAudited(REMOVED, userId, origin, () ->
        Panache.withTransaction(
            () ->
                devices
                    .deleteOwned(deviceId, userId)
                    .call(deleted -> {
                      if (!deleted) {
                        throw notFound();
                      }
                      return audit.record(AuditLog.Actor.user(userId), userId, REMOVED,
                          AuditLog.Outcome.SUCCESS, origin, "device " + deviceId);
                    })
                    .replaceWithVoid()));
  }

  /**
   * True when {@code derSignature} is the user's device's ECDSA-SHA256 signature over the UTF-8
   * {@code signedValue}; records the device as used. False for an unknown device, another
   * user's device, or a bad signature. Joins the caller's transaction when there is one.
   */
  public Uni<Boolean> verifySignature(
      UUID userId, UUID deviceId, String signedValue, byte[] derSignature) {
    if (userId == null || deviceId == null) {
      return Uni.createFrom().item(false);
    }
    return Panache.withTransaction(
        () ->
            devices
                .findOwned(deviceId, userId)
                .map(device -> {
                  if (device == null
                      || !DevicePublicKeys.verify(device.publicKey, signedValue, derSignature)) {
                    return false;
                  }
                  device.lastUsedAt = Instant.now();
                  return true;
                }));
  }

  /** How many devices the user has registered (removed ones are deleted). */
  public Uni<Long> countActive(UUID userId) {
    return Panache.withSession(() -> devices.countForUser(userId));
  }

  /** The device as its owner sees it; the name is unreadable (null) once the user is erased. */
  Device view(User user, DeviceKey row) {
    String name = user == null || user.dataKeyWrapped == null
        ? null
        : personalData.open(user, nameField(row.id), row.nameEnc);
    return new Device(row.id, name, row.createdAt, row.lastUsedAt);
  }

  private Uni<Void> ensureRoomFor(UUID userId, byte[] publicKey) {
    return devices
        .countForUser(userId)
        .invoke(count -> {
          if (count >= MAX_DEVICES) {
            throw ApiException.precondition(
                "A user can register at most " + MAX_DEVICES + " devices; remove one first",
                "TOO_MANY_DEVICES");
          }
        })
        .chain(() -> devices.keyRegistered(userId, publicKey))
        .invoke(known -> {
          if (known) {
            throw ApiException.conflict("This key is already registered", "DEVICE_ALREADY_REGISTERED");
          }
        })
        .replaceWithVoid();
  }

  private DeviceKey newDevice(User user, String name, byte[] publicKey) {
    DeviceKey device = new DeviceKey();
    device.id = Ids.newId();
    device.userId = user.id;
    // Bound to the device's id: a sealed name copied to another row does not decrypt.
    device.nameEnc = personalData.seal(user, nameField(device.id), name);
    device.publicKey = publicKey;
    device.createdAt = Instant.now();
    return device;
  }

  private static String nameField(UUID deviceId) {
    return "device_name/" + deviceId;
  }

  private static String validName(String name) {
    String clean = name == null ? "" : name.strip();
    if (clean.isEmpty() || clean.length() > MAX_NAME || clean.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.invalid(
          "name must be 1 to " + MAX_NAME + " printable characters", "INVALID_DEVICE_NAME");
    }
    return clean;
  }

  static ApiException notFound() {
    return ApiException.notFound("No such device", DEVICE_NOT_FOUND);
  }
}
