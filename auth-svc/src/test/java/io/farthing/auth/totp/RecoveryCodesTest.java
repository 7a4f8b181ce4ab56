package io.farthing.auth.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecoveryCodesTest {

  @Test
  void generatesTenDistinctGroupedCodes() {
    List<String> codes = RecoveryCodes.generate();
    assertEquals(10, codes.size());
    assertEquals(10, new HashSet<>(codes).size());
    codes.forEach(code -> assertTrue(code.matches("[a-z2-7]{4}(-[a-z2-7]{4}){3}"), code));
  }

  @Test
  void hashIgnoresCaseDashesAndSpacesButNotTheOwner() {
    UUID owner = UUID.randomUUID();
    String code = RecoveryCodes.generate().get(0);
    String hash = RecoveryCodes.hash(owner, code);
    assertEquals(hash, RecoveryCodes.hash(owner, " " + code.toUpperCase().replace("-", " ") + " "));
    assertNotEquals(hash, RecoveryCodes.hash(UUID.randomUUID(), code));
    assertEquals(64, hash.length());
  }
}
