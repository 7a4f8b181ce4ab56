package io.farthing.auth.stepup;

import java.util.UUID;

/** One answer to a challenge. */
public sealed interface Proof {
  Challenge.Method method();

  record Totp(String code) implements Proof {
    public Challenge.Method method() {
      return Challenge.Method.TOTP;
    }
  }

  /** A DER ECDSA signature by a registered device over the challenge's device nonce. */
  record DeviceSignature(UUID deviceId, byte[] signature) implements Proof {
    public Challenge.Method method() {
      return Challenge.Method.DEVICE_KEY;
    }
  }

  record RecoveryCode(String code) implements Proof {
    public Challenge.Method method() {
      return Challenge.Method.RECOVERY_CODE;
    }
  }
}
