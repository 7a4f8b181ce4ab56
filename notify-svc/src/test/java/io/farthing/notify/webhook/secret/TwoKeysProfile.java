package io.farthing.notify.webhook.secret;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Base64;
import java.util.Map;

/** A configured ring of two key versions (as after adding key 2), and no key generation. */
public class TwoKeysProfile implements QuarkusTestProfile {
  static final byte[] KEY_1 = key(1);
  static final byte[] KEY_2 = key(2);

  static String ring(byte[]... keys) {
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < keys.length; i++) {
      spec.append(i == 0 ? "" : ",").append(i + 1).append(':').append(Base64.getEncoder().encodeToString(keys[i]));
    }
    return spec.toString();
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    // The %test value would win over an unprofiled override: replace that one.
    return Map.of(
        "notify.webhooks.keys", ring(KEY_1, KEY_2),
        "%test.notify.webhooks.generate-missing-keys", "false",
        "notify.webhooks.generate-missing-keys", "false");
  }

  /** Fixed test keys (never used outside tests). */
  private static byte[] key(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i * 7);
    }
    return key;
  }
}
