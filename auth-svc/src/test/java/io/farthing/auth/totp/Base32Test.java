package io.farthing.auth.totp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class Base32Test {

  /** RFC 4648 §10 test vectors, padding removed. */
  @ParameterizedTest
  @CsvSource({"'', ''", "f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB",
      "foobar, MZXW6YTBOI"})
  void matchesRfc4648Vectors(String plain, String encoded) {
    assertEquals(encoded, Base32.encode(plain.getBytes(StandardCharsets.US_ASCII)));
    assertArrayEquals(plain.getBytes(StandardCharsets.US_ASCII), Base32.decode(encoded));
  }

  @Test
  void decodesWhatPeopleTypeAndRoundTripsSecrets() {
    assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Base32.decode("mzxw 6ytb oi======"));
    byte[] secret = Totp.newSecret();
    assertEquals(32, Base32.encode(secret).length());
    assertArrayEquals(secret, Base32.decode(Base32.encode(secret)));
  }

  @Test
  void refusesCharactersOutsideTheAlphabet() {
    assertThrows(IllegalArgumentException.class, () -> Base32.decode("MZXW1"));
  }
}
