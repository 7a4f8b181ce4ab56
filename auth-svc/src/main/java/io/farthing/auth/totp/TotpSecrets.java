package io.farthing.auth.totp;

import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;

/** Seals and opens TOTP secrets under the owner's data key (erasing the user shreds them). */
final class TotpSecrets {
  static final String FIELD = "totp_secret";

  private TotpSecrets() {}

  static byte[] seal(PersonalData personalData, User user, String secretBase32) {
    return personalData.seal(user, FIELD, secretBase32);
  }

  static String openBase32(PersonalData personalData, User user, TotpCredential credential) {
    return personalData.open(user, FIELD, credential.secretEnc);
  }

  static byte[] open(PersonalData personalData, User user, TotpCredential credential) {
    return Base32.decode(openBase32(personalData, user, credential));
  }
}
