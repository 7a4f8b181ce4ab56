package io.farthing.auth.credentials;

import io.smallrye.mutiny.Uni;
import java.util.UUID;

/** What step-up needs from the device-key feature (implemented by device.DeviceKeys). */
public interface DeviceSignatures {

  /**
   * True when {@code derSignature} is a valid ECDSA P-256/SHA-256 signature over the UTF-8 bytes
   * of {@code signedValue} by the user's registered device; false for an unknown device, another
   * user's device, or a bad signature.
   */
  Uni<Boolean> verifySignature(UUID userId, UUID deviceId, String signedValue, byte[] derSignature);

  /** How many device keys the user has registered. */
  Uni<Long> countActive(UUID userId);
}
