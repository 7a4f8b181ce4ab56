package io.farthing.auth.device;

import io.farthing.auth.privacy.PersonalDataHolder;
import io.farthing.auth.user.UserRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Device keys' share of export (names and dates, no key material) and erasure. */
@ApplicationScoped
public class DevicePersonalData implements PersonalDataHolder {
  private final DeviceKeyRepository devices;
  private final UserRepository users;
  private final DeviceKeys deviceKeys;

  public DevicePersonalData(DeviceKeyRepository devices, UserRepository users, DeviceKeys deviceKeys) {
    this.devices = devices;
    this.users = users;
    this.deviceKeys = deviceKeys;
  }

  @Override
  public String section() {
    return "devices";
  }

  @Override
  public Uni<Object> export(UUID userId) {
    return users
        .findById(userId)
        .chain(user -> devices.listForUser(userId)
            .map(rows -> rows.stream().map(row -> deviceKeys.view(user, row)).toList()));
  }

  /** Deletes every device key; their pending challenges go with them (ON DELETE CASCADE). */
  @Override
  public Uni<Void> erase(UUID userId) {
    return devices.deleteForUser(userId).replaceWithVoid();
  }
}
