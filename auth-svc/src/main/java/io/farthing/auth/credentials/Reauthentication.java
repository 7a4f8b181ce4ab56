package io.farthing.auth.credentials;

import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.crypto.PasswordHasher;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.user.User;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Proof, beyond the access token, that the person is there: a current TOTP code or the password.
 * Required before any change that adds or removes a way to sign in or to pass step-up, so that a
 * stolen access token alone can never plant the thief's own second factor. Failed proofs count
 * toward lock-out.
 */
@ApplicationScoped
public class Reauthentication {
  public static final String INVALID_OTP = "INVALID_OTP";

  /** Exactly one of a TOTP code or the password. */
  public record Proof(String code, String password) {
    public static Proof of(String code, String password) {
      boolean hasCode = code != null && !code.isBlank();
      boolean hasPassword = password != null && !password.isEmpty();
      if (hasCode == hasPassword) {
        throw ApiException.invalid(
            hasCode
                ? "Send a TOTP code or the password, not both"
                : "Confirm it is you: send a current TOTP code or the password",
            "PROOF_REQUIRED");
      }
      return new Proof(hasCode ? code : null, hasPassword ? password : null);
    }

    public String method() {
      return code != null ? "totp" : "password";
    }
  }

  private final SecondFactors secondFactors;
  private final PasswordHasher hasher;
  private final Lockout lockout;

  public Reauthentication(SecondFactors secondFactors, PasswordHasher hasher, Lockout lockout) {
    this.secondFactors = secondFactors;
    this.hasher = hasher;
    this.lockout = lockout;
  }

  /** Succeeds when the proof is valid; otherwise counts a failure and refuses with 403. */
  public Uni<Void> require(User user, Proof proof, Origin origin) {
    lockout.ensureNotLocked(user);
    Uni<Boolean> check =
        proof.code() != null
            ? secondFactors.verifyTotp(user.id, proof.code(), origin)
            : user.passwordHash == null
                ? Uni.createFrom().item(false)
                : hasher.verify(proof.password(), user.passwordHash);
    return check.chain(ok -> {
      if (ok) {
        return lockout.recordSuccess(user.id);
      }
      ApiException refusal = proof.code() != null
          ? ApiException.forbidden("The TOTP code is not valid", INVALID_OTP)
          : ApiException.forbidden("The password is not correct", "INVALID_CREDENTIALS");
      return lockout.recordFailure(user.id, origin).chain(() -> Uni.createFrom().failure(refusal));
    });
  }
}
