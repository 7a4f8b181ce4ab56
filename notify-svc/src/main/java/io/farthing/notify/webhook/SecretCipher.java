package io.farthing.notify.webhook;

import io.farthing.common.crypto.Aead;
import io.farthing.common.crypto.VersionedKeys;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.NavigableSet;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Seals and opens webhook signing secrets under the key ring {@code notify.webhooks.keys}. The
 * associated data is the row's place (endpoint id and secret id), so a ciphertext copied to
 * another endpoint's row, or to another secret's, does not open. Built at start-up: in production
 * a missing or malformed ring stops the service before it serves anything. Never logs a key or
 * a secret.
 */
@Startup
@ApplicationScoped
public class SecretCipher {
  private static final Logger LOG = Logger.getLogger(SecretCipher.class);

  private final VersionedKeys keys;

  public SecretCipher(WebhooksConfig config) {
    try {
      this.keys =
          VersionedKeys.configured(
              config.keys(), "notify.webhooks.keys", "FARTHING_WEBHOOK_KEYS", config.generateMissingKeys());
    } catch (IllegalStateException e) {
      // The JSON log line of a failed start names only the exception class: say why here. The
      // message names the setting and versions, never a key.
      LOG.error(e.getMessage());
      throw e;
    }
  }

  /** A sealed secret and the key version that sealed it (stored in key_version). */
  public record Sealed(byte[] bytes, int keyVersion) {}

  /** A secret of a row that cannot be opened: tampered, moved from another row, or its key is gone. */
  public static final class SecretUnavailable extends RuntimeException {
    private final UUID secretId;

    public SecretUnavailable(UUID secretId, String reason) {
      super("webhook secret " + secretId + " cannot be opened: " + reason, null, false, false);
      this.secretId = secretId;
    }

    public UUID secretId() {
      return secretId;
    }
  }

  public Sealed seal(UUID endpointId, UUID secretId, byte[] secret) {
    byte[] sealed = keys.seal(secret, associatedData(endpointId, secretId));
    return new Sealed(sealed, VersionedKeys.versionOf(sealed));
  }

  /**
   * Opens a row's secret. {@code keyVersion} is the row's key_version column: it must agree with
   * the version inside the ciphertext (rewrap selects rows by the column).
   */
  public byte[] open(UUID endpointId, UUID secretId, byte[] sealed, int keyVersion) {
    try {
      int inside = VersionedKeys.versionOf(sealed);
      if (inside != keyVersion) {
        throw new SecretUnavailable(secretId, "key_version " + keyVersion + " but sealed under " + inside);
      }
      return keys.open(sealed, associatedData(endpointId, secretId));
    } catch (Aead.CryptoException e) {
      throw new SecretUnavailable(secretId, e.getMessage());
    }
  }

  public int newestVersion() {
    return keys.newestVersion();
  }

  public NavigableSet<Integer> versions() {
    return keys.versions();
  }

  static String associatedData(UUID endpointId, UUID secretId) {
    return "webhook_secrets:" + endpointId + ":" + secretId;
  }
}
