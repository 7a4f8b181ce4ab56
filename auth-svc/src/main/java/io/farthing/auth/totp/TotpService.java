package io.farthing.auth.totp;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.ApiException;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.session.RefreshTokenRepository;
import io.farthing.common.Ids;
import io.farthing.auth.crypto.PasswordHasher;
import io.farthing.auth.security.Lockout;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A user's TOTP life cycle: enrol (a pending secret, its otpauth URI and QR code), confirm with
 * a first code (enables it and hands out recovery codes once), regenerate recovery codes, and
 * disable. Every change locks the user's row, so concurrent changes apply one after the other,
 * and every change and refusal is audited.
 */
@ApplicationScoped
public class TotpService {
  public static final String ENROLMENT_STARTED = "TOTP_ENROLMENT_STARTED";
  public static final String ENABLED = "TOTP_ENABLED";
  public static final String DISABLED = "TOTP_DISABLED";
  public static final String RECOVERY_CODES_REGENERATED = "RECOVERY_CODES_REGENERATED";
  public static final String INVALID_OTP = "INVALID_OTP";
  static final String ISSUER = "Farthing";

  /** What a new enrolment shows once: the secret, its URI, and the URI as a QR code PNG. */
  @RegisterForReflection
  public record Enrolment(String secret, String otpauthUri, String qrPngBase64) {}

  @RegisterForReflection
  public record Status(boolean enabled, boolean pending, Instant enabledAt, long recoveryCodesLeft) {
    static Status of(TotpCredential credential, long unusedRecoveryCodes) {
      boolean enabled = credential != null && credential.isEnabled();
      return new Status(
          enabled,
          credential != null && !enabled,
          enabled ? credential.enabledAt : null,
          enabled ? unusedRecoveryCodes : 0);
    }
  }

  private final TotpCredentialRepository credentials;
  private final RecoveryCodeRepository recoveryCodes;
  private final MfaTicketRepository tickets;
  private final TotpSecondFactors secondFactors;
  private final UserRepository users;
  private final PersonalData personalData;
  private final PasswordHasher hasher;
  private final Lockout lockout;
  private final Reauthentication reauthentication;
  private final RefreshTokenRepository refreshTokens;
  private final AuditLog audit;

  public TotpService(
      TotpCredentialRepository credentials,
      RecoveryCodeRepository recoveryCodes,
      MfaTicketRepository tickets,
      TotpSecondFactors secondFactors,
      UserRepository users,
      PersonalData personalData,
      PasswordHasher hasher,
      Lockout lockout,
      Reauthentication reauthentication,
      RefreshTokenRepository refreshTokens,
      AuditLog audit) {
    this.credentials = credentials;
    this.recoveryCodes = recoveryCodes;
    this.tickets = tickets;
    this.secondFactors = secondFactors;
    this.users = users;
    this.personalData = personalData;
    this.hasher = hasher;
    this.lockout = lockout;
    this.reauthentication = reauthentication;
    this.refreshTokens = refreshTokens;
    this.audit = audit;
  }

  /** Starts (or restarts) an enrolment with a fresh secret; refused while TOTP is enabled. */
  public Uni<Enrolment> enrol(UUID userId, String password, Origin origin) {
    String secret = Base32.encode(Totp.newSecret());
    return audit.refusalsAudited(ENROLMENT_STARTED, userId, origin, () ->
        Panache.withSession(() -> users.findActive(userId))
            .call(user -> reauthentication.require(user, Reauthentication.Proof.of(null, password), origin))
            .chain(() -> Panache.withTransaction(
                () ->
                    users.lockActive(userId)
                        .call(user -> credentials.findById(userId).chain(existing ->
                            savePending(user, existing, secret)))
                        .call(() -> audit.record(AuditLog.Actor.user(userId), userId,
                            ENROLMENT_STARTED, AuditLog.Outcome.SUCCESS, origin, null))))
            .map(user -> enrolment(user, secret)));
  }

  /** The pending enrolment's QR code as a PNG. */
  public Uni<byte[]> pendingQrPng(UUID userId) {
    return Panache.withSession(
            () ->
                users.findActive(userId)
                    .chain(user -> credentials.findById(userId).map(credential -> {
                      if (credential == null || credential.isEnabled()) {
                        throw ApiException.notFound(
                            "There is no TOTP enrolment waiting for confirmation", "TOTP_NOT_PENDING");
                      }
                      return otpauthUri(user, TotpSecrets.openBase32(personalData, user, credential));
                    })))
        .map(QrPng::render);
  }

  /** Enables TOTP when {@code code} matches the pending secret; returns new recovery codes. */
  public Uni<List<String>> confirm(UUID userId, String code, Origin origin) {
    String typed = Totp.normalize(code);
    Instant now = Instant.now();
    return audit.refusalsAudited(ENABLED, userId, origin, () ->
        Panache.withTransaction(
            () ->
                users.lockActive(userId)
                    .chain(user -> credentials.findById(userId).map(credential ->
                        enable(user, credential, typed, now)))
                    .chain(() -> replaceRecoveryCodes(userId, now))
                    // Sessions opened with the password alone end here: from now on every
                    // session of this account has passed the second factor.
                    .call(() -> refreshTokens.revokeAllForUser(userId, now))
                    .call(() -> audit.record(AuditLog.Actor.user(userId), userId, ENABLED,
                        AuditLog.Outcome.SUCCESS, origin, null))));
  }

  /** Turns TOTP off after a current code or the password; failed proofs count to lock-out. */
  public Uni<Void> disable(UUID userId, String code, String password, Origin origin) {
    return audit.refusalsAudited(DISABLED, userId, origin, () -> {
      Reauthentication.Proof proof = Reauthentication.Proof.of(code, password);
      return userWithTotpEnabled(userId)
          .call(user -> reauthentication.require(user, proof, origin))
          .chain(() -> Panache.withTransaction(
              () ->
                  users.lockActive(userId)
                      .call(() -> credentials.deleteForUser(userId))
                      .call(() -> recoveryCodes.deleteForUser(userId))
                      .call(() -> tickets.deleteForUser(userId))
                      .call(() -> audit.record(AuditLog.Actor.user(userId), userId, DISABLED,
                          AuditLog.Outcome.SUCCESS, origin, proof.method()))))
          .replaceWithVoid();
    });
  }

  /** Replaces every recovery code after a current TOTP code; the old ones stop working. */
  public Uni<List<String>> regenerateRecoveryCodes(UUID userId, String code, Origin origin) {
    Instant now = Instant.now();
    return audit.refusalsAudited(RECOVERY_CODES_REGENERATED, userId, origin, () -> {
      Reauthentication.Proof proof = Reauthentication.Proof.of(code, null);
      return userWithTotpEnabled(userId)
          .call(user -> reauthentication.require(user, proof, origin))
          .chain(() -> Panache.withTransaction(
              () ->
                  users.lockActive(userId)
                      .call(() -> requireEnabled(userId))
                      .chain(() -> replaceRecoveryCodes(userId, now))
                      .call(() -> audit.record(AuditLog.Actor.user(userId), userId,
                          RECOVERY_CODES_REGENERATED, AuditLog.Outcome.SUCCESS, origin, null))));
    });
  }

  public Uni<Status> status(UUID userId) {
    return Panache.withSession(
        () ->
            credentials
                .findById(userId)
                .chain(credential -> recoveryCodes.countUnused(userId)
                    .map(left -> Status.of(credential, left))));
  }

  private Uni<Void> savePending(User user, TotpCredential existing, String secret) {
    if (existing != null && existing.isEnabled()) {
      throw ApiException.conflict(
          "TOTP is already enabled; disable it before enrolling a new authenticator",
          "TOTP_ALREADY_ENABLED");
    }
    TotpCredential credential = existing != null ? existing : new TotpCredential();
    credential.userId = user.id;
    credential.secretEnc = TotpSecrets.seal(personalData, user, secret);
    credential.status = TotpCredential.Status.PENDING;
    credential.lastUsedStep = null;
    credential.createdAt = Instant.now();
    credential.enabledAt = null;
    return credentials.persist(credential).replaceWithVoid();
  }

  private TotpCredential enable(User user, TotpCredential credential, String typed, Instant now) {
    if (credential == null) {
      throw ApiException.precondition("Start a TOTP enrolment first", "TOTP_NOT_PENDING");
    }
    if (credential.isEnabled()) {
      throw ApiException.conflict("TOTP is already enabled", "TOTP_ALREADY_ENABLED");
    }
    byte[] secret = TotpSecrets.open(personalData, user, credential);
    OptionalLong step = Totp.matchingStep(secret, typed, Totp.stepAt(now));
    if (step.isEmpty()) {
      throw ApiException.precondition(
          "The code does not match; check the authenticator app and the phone's clock", INVALID_OTP);
    }
    credential.status = TotpCredential.Status.ENABLED;
    credential.enabledAt = now;
    // The confirming code is spent like any other: it cannot be replayed to sign in.
    credential.lastUsedStep = step.getAsLong();
    return credential;
  }

  private Uni<List<String>> replaceRecoveryCodes(UUID userId, Instant now) {
    List<String> plain = RecoveryCodes.generate();
    List<RecoveryCode> rows = plain.stream().map(code -> {
      RecoveryCode row = new RecoveryCode();
      row.id = Ids.newId();
      row.userId = userId;
      row.codeHash = RecoveryCodes.hash(userId, code);
      row.createdAt = now;
      return row;
    }).toList();
    return recoveryCodes
        .deleteForUser(userId)
        .chain(() -> recoveryCodes.persist(rows))
        .replaceWith(plain);
  }

  private Uni<User> userWithTotpEnabled(UUID userId) {
    return Panache.withSession(() -> users.findActive(userId).call(() -> requireEnabled(userId)));
  }

  private Uni<Void> requireEnabled(UUID userId) {
    return credentials.isEnabled(userId).invoke(enabled -> {
      if (!enabled) {
        throw ApiException.precondition("TOTP is not enabled", "TOTP_NOT_ENABLED");
      }
    }).replaceWithVoid();
  }

  private Enrolment enrolment(User user, String secret) {
    String uri = otpauthUri(user, secret);
    return new Enrolment(secret, uri, Base64.getEncoder().encodeToString(QrPng.render(uri)));
  }

  private String otpauthUri(User user, String secret) {
    return OtpAuthUri.totp(ISSUER, personalData.open(user, "email", user.emailEnc), secret);
  }
}
