package io.farthing.auth.user;

import io.farthing.common.crypto.Aead;
import io.farthing.auth.crypto.KeyRing;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Encrypts a user's personal data under that user's own data key, which is wrapped by the master
 * key. Erasing a user destroys the wrapped key, so every copy of their ciphertext (backups
 * included) becomes unreadable: crypto-shredding.
 */
@ApplicationScoped
public class PersonalData {
  public static final String EMAIL_INDEX = "email";

  private final KeyRing keyRing;

  public PersonalData(KeyRing keyRing) {
    this.keyRing = keyRing;
  }

  public void initialise(User user) {
    user.dataKeyWrapped = keyRing.wrap(Aead.newKey(), dataKeyContext(user));
  }

  public byte[] seal(User user, String field, String value) {
    if (value == null) {
      return null;
    }
    return Aead.seal(dataKey(user), value.getBytes(StandardCharsets.UTF_8), fieldContext(user, field));
  }

  public String open(User user, String field, byte[] sealed) {
    if (sealed == null || user.dataKeyWrapped == null) {
      return null;
    }
    return new String(Aead.open(dataKey(user), sealed, fieldContext(user, field)), StandardCharsets.UTF_8);
  }

  /** Destroys the user's data key: whatever was sealed under it is unreadable from now on. */
  public void shred(User user) {
    user.dataKeyWrapped = null;
  }

  public static String normalizeEmail(String email) {
    return email.trim().toLowerCase(Locale.ROOT);
  }

  public String emailIndex(String email) {
    return keyRing.blindIndex(EMAIL_INDEX, normalizeEmail(email));
  }

  private byte[] dataKey(User user) {
    if (user.dataKeyWrapped == null) {
      throw new IllegalStateException("user has no data key (erased)");
    }
    return keyRing.unwrap(user.dataKeyWrapped, dataKeyContext(user));
  }

  private static String dataKeyContext(User user) {
    return "users/" + user.id + "/data-key";
  }

  private static String fieldContext(User user, String field) {
    return "users/" + user.id + "/" + field;
  }
}
