package io.farthing.auth.crypto;

import io.farthing.auth.config.AuthConfig;
import io.farthing.common.crypto.Aead;
import io.farthing.common.crypto.VersionedKeys;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The service's master keys: versioned key-encryption keys that wrap per-record data keys, and
 * the blind-index key. The newest version wraps; every configured version unwraps, so a new key
 * can be added and old records rewrapped at leisure (the ring itself is the shared
 * {@link VersionedKeys}).
 */
@ApplicationScoped
public class KeyRing {
  private final VersionedKeys dataKeys;
  private final byte[] blindIndexKey;

  public KeyRing(AuthConfig config) {
    AuthConfig.Crypto crypto = config.crypto();
    this.dataKeys =
        VersionedKeys.configured(
            crypto.dataKeys(), "auth.crypto.data-keys", "FARTHING_DATA_KEYS", crypto.generateMissingKeys());
    this.blindIndexKey =
        crypto
            .blindIndexKey()
            .filter(s -> !s.isBlank())
            .map(s -> VersionedKeys.decodeKey(s, "auth.crypto.blind-index-key"))
            .orElseGet(
                () -> {
                  VersionedKeys.requireGeneration(
                      crypto.generateMissingKeys(), "auth.crypto.blind-index-key (FARTHING_BLIND_INDEX_KEY)");
                  return Aead.newKey();
                });
  }

  /** Wraps a data key under the newest master key; the version travels with the blob. */
  public byte[] wrap(byte[] dataKey, String associatedData) {
    return dataKeys.seal(dataKey, associatedData);
  }

  public byte[] unwrap(byte[] wrapped, String associatedData) {
    return dataKeys.open(wrapped, associatedData);
  }

  public byte[] seal(byte[] plaintext, String associatedData) {
    return wrap(plaintext, associatedData);
  }

  public byte[] open(byte[] sealed, String associatedData) {
    return unwrap(sealed, associatedData);
  }

  /** Keyed, deterministic look-up value: equal inputs match, the input cannot be recovered. */
  public String blindIndex(String purpose, String normalizedValue) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(blindIndexKey, "HmacSHA256"));
      mac.update(purpose.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      return HexFormat.of().formatHex(mac.doFinal(normalizedValue.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }
}
