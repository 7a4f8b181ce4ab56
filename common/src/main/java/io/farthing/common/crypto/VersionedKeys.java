package io.farthing.common.crypto;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * A ring of versioned AES-256 key-encryption keys, configured as {@code 1:<base64 32 bytes>,2:<...>}.
 * The newest version seals; every configured version opens, so a new key can be added and old
 * ciphertexts rewrapped at leisure. A sealed value is {@code FORMAT(1) || version(int32) ||
 * Aead.seal(...)}: the version travels with the ciphertext. Never logs a key.
 */
public final class VersionedKeys {
  private static final Logger LOG = Logger.getLogger(VersionedKeys.class);
  private static final byte FORMAT = 1;
  private static final int HEADER_BYTES = 5;

  private final TreeMap<Integer, byte[]> keysByVersion;

  private VersionedKeys(TreeMap<Integer, byte[]> keysByVersion) {
    if (keysByVersion.isEmpty()) {
      throw new IllegalStateException("a key ring needs at least one key");
    }
    this.keysByVersion = keysByVersion;
  }

  /**
   * The ring configured under {@code name} (env {@code env}). Unset or blank: one ephemeral key
   * when {@code generateMissing} (dev/test only, with a warning), otherwise a start-up failure.
   */
  public static VersionedKeys configured(Optional<String> spec, String name, String env, boolean generateMissing) {
    Optional<String> given = spec.filter(s -> !s.isBlank());
    if (given.isPresent()) {
      return parse(given.get(), name);
    }
    requireGeneration(generateMissing, name + " (" + env + ")");
    TreeMap<Integer, byte[]> generated = new TreeMap<>();
    generated.put(1, Aead.newKey());
    return new VersionedKeys(generated);
  }

  /** Parses {@code version:base64,...}; a malformed entry or a repeated version fails. */
  public static VersionedKeys parse(String spec, String name) {
    TreeMap<Integer, byte[]> keys = new TreeMap<>();
    for (String part : spec.split(",")) {
      String[] versionAndKey = part.trim().split(":", 2);
      if (versionAndKey.length != 2) {
        throw new IllegalStateException(name + " entries must be version:base64");
      }
      int version = version(versionAndKey[0].trim(), name);
      if (keys.put(version, decodeKey(versionAndKey[1].trim(), name)) != null) {
        throw new IllegalStateException(name + " lists key version " + version + " twice");
      }
    }
    return new VersionedKeys(keys);
  }

  private static int version(String text, String name) {
    int version;
    try {
      version = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " entries must be version:base64 (version a positive integer)");
    }
    if (version < 1) {
      throw new IllegalStateException(name + " key versions must be positive integers");
    }
    return version;
  }

  /** One base64 32-byte key; the message names the setting, never the value. */
  public static byte[] decodeKey(String base64, String name) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(name + " must be a base64 32-byte key");
    }
    if (key.length != Aead.KEY_BYTES) {
      throw new IllegalStateException(name + " must be a base64 32-byte key");
    }
    return key;
  }

  /** A missing key is allowed only where {@code generateMissing} (dev/test); else refuse to start. */
  public static void requireGeneration(boolean generateMissing, String what) {
    if (!generateMissing) {
      throw new IllegalStateException(what + " is not set; refusing to start without it");
    }
    LOG.warnf("%s is not set: generated an ephemeral key (dev/test only)", what);
  }

  public int newestVersion() {
    return keysByVersion.lastKey();
  }

  public NavigableSet<Integer> versions() {
    return Collections.unmodifiableNavigableSet(keysByVersion.navigableKeySet());
  }

  /** Seals under the newest key; the version is written in front of the ciphertext. */
  public byte[] seal(byte[] plaintext, String associatedData) {
    Map.Entry<Integer, byte[]> newest = keysByVersion.lastEntry();
    byte[] sealed = Aead.seal(newest.getValue(), plaintext, associatedData);
    return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
        .put(FORMAT)
        .putInt(newest.getKey())
        .put(sealed)
        .array();
  }

  /** Opens under the version the value names; a tampered, moved or unknown-key value fails. */
  public byte[] open(byte[] sealed, String associatedData) {
    int version = versionOf(sealed);
    byte[] key = keysByVersion.get(version);
    if (key == null) {
      throw new Aead.CryptoException("key version " + version + " is not configured");
    }
    byte[] ciphertext = new byte[sealed.length - HEADER_BYTES];
    System.arraycopy(sealed, HEADER_BYTES, ciphertext, 0, ciphertext.length);
    return Aead.open(key, ciphertext, associatedData);
  }

  /** The key version a sealed value names (without opening it). */
  public static int versionOf(byte[] sealed) {
    if (sealed == null || sealed.length < HEADER_BYTES || sealed[0] != FORMAT) {
      throw new Aead.CryptoException("unknown sealed-value format");
    }
    return ByteBuffer.wrap(sealed, 1, 4).getInt();
  }
}
