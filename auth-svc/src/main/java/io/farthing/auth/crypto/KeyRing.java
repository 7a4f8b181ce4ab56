package io.farthing.auth.crypto;

import io.farthing.auth.config.AuthConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jboss.logging.Logger;

/**
 * The service's master keys: versioned key-encryption keys that wrap per-record data keys, and
 * the blind-index key. The newest version wraps; every configured version unwraps, so a new key
 * can be added and old records rewrapped at leisure.
 */
@ApplicationScoped
public class KeyRing {
  private static final Logger LOG = Logger.getLogger(KeyRing.class);
  private static final byte FORMAT = 1;

  private final TreeMap<Integer, byte[]> keysByVersion = new TreeMap<>();
  private final byte[] blindIndexKey;

  public KeyRing(AuthConfig config) {
    AuthConfig.Crypto crypto = config.crypto();
    crypto.dataKeys().filter(s -> !s.isBlank()).ifPresent(this::parseDataKeys);
    if (keysByVersion.isEmpty()) {
      requireGeneration(crypto, "auth.crypto.data-keys (FARTHING_DATA_KEYS)");
      keysByVersion.put(1, Aead.newKey());
    }
    this.blindIndexKey =
        crypto
            .blindIndexKey()
            .filter(s -> !s.isBlank())
            .map(s -> decodeKey(s, "auth.crypto.blind-index-key"))
            .orElseGet(
                () -> {
                  requireGeneration(crypto, "auth.crypto.blind-index-key (FARTHING_BLIND_INDEX_KEY)");
                  return Aead.newKey();
                });
  }

  /** Wraps a data key under the newest master key; the version travels with the blob. */
  public byte[] wrap(byte[] dataKey, String associatedData) {
    Map.Entry<Integer, byte[]> newest = keysByVersion.lastEntry();
    byte[] sealed = Aead.seal(newest.getValue(), dataKey, associatedData);
    return ByteBuffer.allocate(5 + sealed.length)
        .put(FORMAT)
        .putInt(newest.getKey())
        .put(sealed)
        .array();
  }

  public byte[] unwrap(byte[] wrapped, String associatedData) {
    ByteBuffer buffer = ByteBuffer.wrap(wrapped);
    if (wrapped.length < 5 || buffer.get() != FORMAT) {
      throw new Aead.CryptoException("unknown wrapped-key format");
    }
    int version = buffer.getInt();
    byte[] master = keysByVersion.get(version);
    if (master == null) {
      throw new Aead.CryptoException("master key version " + version + " is not configured");
    }
    byte[] sealed = new byte[buffer.remaining()];
    buffer.get(sealed);
    return Aead.open(master, sealed, associatedData);
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

  private void parseDataKeys(String spec) {
    for (String part : spec.split(",")) {
      String[] versionAndKey = part.trim().split(":", 2);
      if (versionAndKey.length != 2) {
        throw new IllegalStateException("auth.crypto.data-keys entries must be version:base64");
      }
      int version = Integer.parseInt(versionAndKey[0].trim());
      keysByVersion.put(version, decodeKey(versionAndKey[1].trim(), "auth.crypto.data-keys"));
    }
  }

  private static byte[] decodeKey(String base64, String name) {
    byte[] key = Base64.getDecoder().decode(base64);
    if (key.length != Aead.KEY_BYTES) {
      throw new IllegalStateException(name + " must be a base64 32-byte key");
    }
    return key;
  }

  private static void requireGeneration(AuthConfig.Crypto crypto, String name) {
    if (!crypto.generateMissingKeys()) {
      throw new IllegalStateException(name + " is not set; refusing to start without it");
    }
    LOG.warnf("%s is not set: generated an ephemeral key (dev/test only)", name);
  }
}
