package io.farthing.auth.privacy;

import io.farthing.auth.audit.AuditEvent;
import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.auth.credentials.Reauthentication;
import io.farthing.auth.session.RefreshToken;
import io.farthing.auth.session.RefreshTokenRepository;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.farthing.auth.user.UserService;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A user's rights over their data: a complete export, and erasure. Erasure runs in one
 * transaction: every feature's {@link PersonalDataHolder} erases its part, then the user row loses
 * its personal data and its data key (crypto-shredding: ciphertext anywhere, backups included,
 * becomes unreadable). The user id stays, because payment records refer to it.
 */
@ApplicationScoped
public class PrivacyService {
  public static final String EXPORTED = "USER_DATA_EXPORTED";
  public static final String ERASED = "USER_ERASED";
  /** Bounds an export's sessions and audit events; a longer history is cut and flagged. */
  static final int MAX_ROWS_PER_LIST = 10_000;

  public record ProfileExport(
      UUID id,
      String email,
      String displayName,
      String timeZone,
      String roles,
      User.SecurityLevel securityLevel,
      Amount strictThreshold,
      Instant createdAt) {}

  /** A sign-in session as the user may see it: never the token or its digest. */
  public record SessionExport(
      UUID sessionId, String authMethod, Instant issuedAt, Instant expiresAt, Instant usedAt, Instant revokedAt) {
    static SessionExport of(RefreshToken token) {
      return new SessionExport(token.familyId, token.authMethod, token.issuedAt, token.expiresAt, token.usedAt,
          token.revokedAt);
    }
  }

  public record AuditExport(
      Instant occurredAt, String action, String outcome, String actorType, String ip, String userAgent,
      String details) {
    static AuditExport of(AuditEvent event) {
      return new AuditExport(event.occurredAt, event.action, event.outcome, event.actorType, event.ip,
          event.userAgent, event.details);
    }
  }

  public record Export(
      Instant exportedAt,
      ProfileExport profile,
      List<SessionExport> sessions,
      List<AuditExport> auditEvents,
      Map<String, Object> sections,
      boolean truncated) {}

  private final UserRepository users;
  private final UserService userService;
  private final RefreshTokenRepository refreshTokens;
  private final PersonalData personalData;
  private final Reauthentication reauthentication;
  private final AuditLog audit;
  private final Instance<PersonalDataHolder> holders;

  public PrivacyService(
      UserRepository users,
      UserService userService,
      RefreshTokenRepository refreshTokens,
      PersonalData personalData,
      Reauthentication reauthentication,
      AuditLog audit,
      @Any Instance<PersonalDataHolder> holders) {
    this.users = users;
    this.userService = userService;
    this.refreshTokens = refreshTokens;
    this.personalData = personalData;
    this.reauthentication = reauthentication;
    this.audit = audit;
    this.holders = holders;
  }

  /** Everything auth-svc holds about the user, decrypted. The export itself is audited. */
  public Uni<Export> export(UUID userId, Origin origin) {
    return Panache.withSession(
            () ->
                userService
                    .requireActive(userId)
                    .chain(user -> refreshTokens
                        .find("userId = ?1 order by issuedAt", user.id).range(0, MAX_ROWS_PER_LIST).list()
                        .chain(sessions -> AuditEvent.<AuditEvent>find(
                                "subjectUserId = ?1 order by occurredAt", user.id)
                            .range(0, MAX_ROWS_PER_LIST).list()
                            .chain(events -> sections(user.id).map(sections -> export(user, sessions, events,
                                sections))))))
        .call(() -> audit.recordAlone(AuditLog.Actor.user(userId), userId, EXPORTED, AuditLog.Outcome.SUCCESS,
            origin, null));
  }

  /** The user's own erasure, confirmed with their password. */
  public Uni<Void> eraseSelf(UUID userId, String password, Origin origin) {
    if (password == null || password.isEmpty()) {
      throw ApiException.invalid("password is required", "MISSING_FIELD");
    }
    return Panache.withSession(() -> userService.requireActive(userId))
        .chain(user -> confirmPassword(user, password, origin))
        .chain(() -> erase(userId, AuditLog.Actor.user(userId), "by the user"));
  }

  /** Erasure on a support request, by an administrator. */
  public Uni<Void> eraseByAdmin(UUID userId, AuditLog.Actor admin) {
    return erase(userId, admin, "by an administrator");
  }

  private Uni<Void> erase(UUID userId, AuditLog.Actor actor, String how) {
    Instant now = Instant.now();
    return Panache.withTransaction(
        () ->
            users
                .lockActive(userId)
                .call(() -> eraseSections(userId))
                .call(() -> refreshTokens.revokeAllForUser(userId, now))
                .call(() -> AuditEvent.update("ip = null, userAgent = null where subjectUserId = ?1", userId))
                .invoke(user -> shred(user, now))
                // No origin: an IP recorded now would be personal data about the erased user again.
                .call(() -> audit.record(actor, userId, ERASED, AuditLog.Outcome.SUCCESS, null, how))
                .replaceWithVoid());
  }

  private void shred(User user, Instant now) {
    user.emailIndex = null;
    user.emailEnc = null;
    user.displayNameEnc = null;
    user.passwordHash = null;
    personalData.shred(user);
    user.status = User.Status.ERASED;
    user.erasedAt = now;
    user.updatedAt = now;
  }

  private Uni<Void> confirmPassword(User user, String password, Origin origin) {
    return reauthentication
        .require(user, Reauthentication.Proof.of(null, password), origin)
        .onFailure(ApiException.class)
        .call(() -> audit.recordAlone(AuditLog.Actor.user(user.id), user.id, ERASED,
            AuditLog.Outcome.DENIED, origin, "wrong password"));
  }

  /** Each holder in turn: one reactive session runs one operation at a time. */
  private Uni<Void> eraseSections(UUID userId) {
    Uni<Void> all = Uni.createFrom().voidItem();
    for (PersonalDataHolder holder : orderedHolders()) {
      all = all.chain(() -> holder.erase(userId));
    }
    return all;
  }

  private Uni<Map<String, Object>> sections(UUID userId) {
    Map<String, Object> sections = new LinkedHashMap<>();
    Uni<Void> all = Uni.createFrom().voidItem();
    for (PersonalDataHolder holder : orderedHolders()) {
      all = all.chain(() -> holder.export(userId).invoke(data -> sections.put(holder.section(), data)))
          .replaceWithVoid();
    }
    return all.replaceWith(sections);
  }

  private List<PersonalDataHolder> orderedHolders() {
    return holders.stream().sorted(Comparator.comparing(PersonalDataHolder::section)).toList();
  }

  private Export export(User user, List<RefreshToken> sessions, List<AuditEvent> events, Map<String, Object> sections) {
    UserService.Profile profile = userService.profileOf(user);
    Amount threshold = user.strictThresholdMinor == null ? null
        : new Amount(user.strictThresholdMinor, user.strictThresholdCurrency);
    ProfileExport profileExport = new ProfileExport(user.id, profile.email(), profile.displayName(), user.timeZone,
        user.roles, user.securityLevel, threshold, user.createdAt);
    boolean truncated = sessions.size() > MAX_ROWS_PER_LIST || events.size() > MAX_ROWS_PER_LIST;
    return new Export(Instant.now(), profileExport,
        sessions.stream().limit(MAX_ROWS_PER_LIST).map(SessionExport::of).toList(),
        events.stream().limit(MAX_ROWS_PER_LIST).map(AuditExport::of).toList(),
        sections, truncated);
  }
}
