package io.farthing.auth.securitylevel;

import static io.farthing.auth.user.User.SecurityLevel.ALWAYS;
import static io.farthing.auth.user.User.SecurityLevel.STANDARD;
import static io.farthing.auth.user.User.SecurityLevel.STRICT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.auth.user.User;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoweringRuleTest {
  private static final UUID ID = UUID.randomUUID();

  @Test
  void aLowerLevelIsLowering() {
    assertTrue(lowers(user(ALWAYS, null), STRICT, eur(100)));
    assertTrue(lowers(user(ALWAYS, null), STANDARD, null));
    assertTrue(lowers(user(STRICT, eur(100)), STANDARD, null));
  }

  @Test
  void aHigherOrEqualLevelIsNot() {
    assertFalse(lowers(user(STANDARD, null), STRICT, eur(100)));
    assertFalse(lowers(user(STRICT, eur(100)), ALWAYS, null));
    assertFalse(lowers(user(STANDARD, null), STANDARD, null));
    assertFalse(lowers(user(ALWAYS, null), ALWAYS, null));
  }

  @Test
  void withinStrictARaisedThresholdOrAnotherCurrencyIsLowering() {
    assertTrue(lowers(user(STRICT, eur(100)), STRICT, eur(101)));
    assertTrue(lowers(user(STRICT, eur(100)), STRICT, new Amount(100, "USD")));
    assertFalse(lowers(user(STRICT, eur(100)), STRICT, eur(100)));
    assertFalse(lowers(user(STRICT, eur(100)), STRICT, eur(0)));
  }

  @Test
  void requestedSettingsNeedAThresholdExactlyForStrict() {
    assertEquals("THRESHOLD_REQUIRED", reason(() -> SecurityLevelService.requested(ID, "STRICT", null)));
    assertEquals("THRESHOLD_NOT_APPLICABLE",
        reason(() -> SecurityLevelService.requested(ID, "ALWAYS", eur(1))));
    assertEquals("INVALID_SECURITY_LEVEL", reason(() -> SecurityLevelService.requested(ID, "HIGH", null)));
    assertEquals(STRICT, SecurityLevelService.requested(ID, "strict", eur(1)).level());
  }

  private static boolean lowers(User current, User.SecurityLevel level, Amount threshold) {
    return SecurityLevelService.lowers(current, new SecurityLevelService.Setting(ID, level, threshold));
  }

  private static User user(User.SecurityLevel level, Amount threshold) {
    User user = new User();
    user.id = ID;
    user.securityLevel = level;
    user.strictThresholdMinor = threshold == null ? null : threshold.amountMinor();
    user.strictThresholdCurrency = threshold == null ? null : threshold.currency();
    return user;
  }

  private static Amount eur(long minor) {
    return new Amount(minor, "EUR");
  }

  private static String reason(Runnable call) {
    return assertThrows(ApiException.class, call::run).reason();
  }
}
