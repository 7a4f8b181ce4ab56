package io.farthing.common.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VersionedKeysTest {
  private static final String K1 = Base64.getEncoder().encodeToString(Aead.newKey());
  private static final String K2 = Base64.getEncoder().encodeToString(Aead.newKey());
  private static final byte[] SECRET = "the signing secret".getBytes(StandardCharsets.UTF_8);

  @Test
  void theNewestVersionSealsAndEveryVersionOpens() {
    VersionedKeys one = VersionedKeys.parse("1:" + K1, "test.keys");
    VersionedKeys both = VersionedKeys.parse(" 2:" + K2 + " , 1:" + K1, "test.keys");

    byte[] underOne = one.seal(SECRET, "row-a");
    byte[] underTwo = both.seal(SECRET, "row-a");

    assertEquals(1, VersionedKeys.versionOf(underOne));
    assertEquals(2, VersionedKeys.versionOf(underTwo));
    assertEquals(2, both.newestVersion());
    assertArrayEquals(SECRET, both.open(underOne, "row-a"));
    assertArrayEquals(SECRET, both.open(underTwo, "row-a"));
    assertThrows(Aead.CryptoException.class, () -> one.open(underTwo, "row-a"), "key 2 is not in this ring");
  }

  @Test
  void aSealedValueOpensOnlyWithItsOwnAssociatedData() {
    VersionedKeys ring = VersionedKeys.parse("1:" + K1, "test.keys");
    byte[] sealed = ring.seal(SECRET, "endpoint-a:secret-a");

    assertThrows(Aead.CryptoException.class, () -> ring.open(sealed, "endpoint-b:secret-a"));
  }

  @Test
  void aTamperedValueFails() {
    VersionedKeys ring = VersionedKeys.parse("1:" + K1, "test.keys");
    byte[] sealed = ring.seal(SECRET, "ad");
    sealed[sealed.length - 1] ^= 1;

    assertThrows(Aead.CryptoException.class, () -> ring.open(sealed, "ad"));
    assertThrows(Aead.CryptoException.class, () -> ring.open(new byte[] {1, 0, 0}, "ad"));
    assertThrows(Aead.CryptoException.class, () -> ring.open(new byte[] {9, 0, 0, 0, 1, 2}, "ad"));
  }

  @Test
  void malformedRingsFailNamingTheSettingNeverTheKey() {
    String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
    for (String spec : new String[] {K1, "1:" + tooShort, "x:" + K1, "0:" + K1, "1:" + K1 + ",1:" + K2, "1:%%%"}) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> VersionedKeys.parse(spec, "test.keys"), spec);
      assertTrue(e.getMessage().startsWith("test.keys"), e.getMessage());
      assertFalse(e.getMessage().contains(K1) || e.getMessage().contains(K2), "a key was in the message");
    }
  }

  @Test
  void aMissingRingFailsUnlessGenerationIsAllowed() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> VersionedKeys.configured(Optional.of(" "), "test.keys", "TEST_KEYS", false));
    assertEquals("test.keys (TEST_KEYS) is not set; refusing to start without it", e.getMessage());

    VersionedKeys generated = VersionedKeys.configured(Optional.empty(), "test.keys", "TEST_KEYS", true);
    assertEquals(1, generated.newestVersion());
    assertArrayEquals(SECRET, generated.open(generated.seal(SECRET, "ad"), "ad"));
  }
}
