package io.farthing.auth.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OtpAuthUriTest {

  @Test
  void buildsTheKeyUriAuthenticatorAppsImport() {
    assertEquals(
        "otpauth://totp/Farthing:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Farthing"
            + "&algorithm=SHA1&digits=6&period=30",
        OtpAuthUri.totp("Farthing", "alice@example.com", "JBSWY3DPEHPK3PXP"));
  }

  @Test
  void percentEncodesCharactersThatWouldBreakTheUri() {
    assertEquals("a%2Bb%3Ac%20d@x.io", OtpAuthUri.encode("a+b:c d@x.io"));
    assertEquals("%C3%A9@x.io", OtpAuthUri.encode("é@x.io"));
  }
}
