package io.farthing.auth.totp;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.credentials.SecondFactors;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Second factors backed by TOTP and recovery codes. Each check joins the caller's transaction
 * when there is one (step-up and MFA sign-in decide and spend in one transaction), otherwise
 * runs in its own. Failures are not counted here: callers feed Lockout and audit the outcome.
 */
@ApplicationScoped
public class TotpSecondFactors implements SecondFactors {
  public static final String RECOVERY_CODE_USED = "RECOVERY_CODE_USED";

  private final TotpCredentialRepository credentials;
  private final RecoveryCodeRepository recoveryCodes;
  private final UserRepository users;
  private final PersonalData personalData;
  private final AuditLog audit;

  public TotpSecondFactors(
      TotpCredentialRepository credentials,
      RecoveryCodeRepository recoveryCodes,
      UserRepository users,
      PersonalData personalData,
      AuditLog audit) {
    this.credentials = credentials;
    this.recoveryCodes = recoveryCodes;
    this.users = users;
    this.personalData = personalData;
    this.audit = audit;
  }

  @Override
  public Uni<Boolean> totpEnabled(UUID userId) {
    return Panache.withSession(() -> credentials.isEnabled(userId));
  }

  @Override
  public Uni<Boolean> verifyTotp(UUID userId, String code, Origin origin) {
    String typed = Totp.normalize(code);
    if (!Totp.isWellFormed(typed)) {
      return Uni.createFrom().item(false);
    }
    long nowStep = Totp.stepAt(Instant.now());
    return Panache.withTransaction(
        () ->
            credentials
                .findById(userId)
                .chain(
                    credential ->
                        credential == null || !credential.isEnabled()
                            ? Uni.createFrom().item(false)
                            : matchAndSpend(credential, typed, nowStep)));
  }

  @Override
  public Uni<Boolean> redeemRecoveryCode(UUID userId, String code, Origin origin) {
    if (code == null || code.isBlank()) {
      return Uni.createFrom().item(false);
    }
    String hash = RecoveryCodes.hash(userId, code);
    return Panache.withTransaction(
        () ->
            credentials
                .isEnabled(userId)
                .chain(
                    enabled ->
                        enabled
                            ? recoveryCodes.spend(userId, hash, Instant.now())
                            : Uni.createFrom().item(false))
                .call(
                    spent ->
                        spent
                            ? recoveryCodes
                                .countUnused(userId)
                                .chain(
                                    left ->
                                        audit.record(
                                            AuditLog.Actor.user(userId),
                                            userId,
                                            RECOVERY_CODE_USED,
                                            AuditLog.Outcome.SUCCESS,
                                            origin,
                                            left + " left"))
                            : Uni.createFrom().voidItem()));
  }

  private Uni<Boolean> matchAndSpend(TotpCredential credential, String typed, long nowStep) {
    return users
        .findById(credential.userId)
        .chain(
            user -> {
              if (user == null || !user.isActive()) {
                return Uni.createFrom().item(false);
              }
              byte[] secret = TotpSecrets.open(personalData, user, credential);
              OptionalLong step = Totp.matchingStep(secret, typed, nowStep);
              return step.isPresent()
                  ? credentials.acceptStep(credential.userId, step.getAsLong())
                  : Uni.createFrom().item(false);
            });
  }
}
