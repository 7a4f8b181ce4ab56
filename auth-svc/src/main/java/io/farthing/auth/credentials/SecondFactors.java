package io.farthing.auth.credentials;

import io.farthing.auth.audit.Origin;
import io.smallrye.mutiny.Uni;
import java.util.UUID;

/**
 * What sign-in and step-up need to know about a user's second factors, independent of how each
 * factor is stored. Implemented by the TOTP and recovery-code features.
 */
public interface SecondFactors {

  /** True once the user has confirmed a TOTP enrolment. */
  Uni<Boolean> totpEnabled(UUID userId);

  /**
   * Checks a TOTP code (±1 step) and, if valid, records its step so it can never be accepted
   * again. Does not count failures: callers feed {@code Lockout} themselves.
   */
  Uni<Boolean> verifyTotp(UUID userId, String code, Origin origin);

  /** Spends one unused recovery code; false if it does not match an unused code. */
  Uni<Boolean> redeemRecoveryCode(UUID userId, String code, Origin origin);
}
