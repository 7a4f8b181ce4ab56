package io.farthing.auth.consent;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.client.ApiClientRepository;
import io.farthing.auth.client.ClientService;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Users' payment consents: a user lets one partner charge them without being present, up to an
 * optional per-charge maximum. One active consent per user and partner; granting again replaces
 * the maximum. payments-svc asks {@link #check} before such a charge.
 */
@ApplicationScoped
public class ConsentService {
  public static final String GRANTED = "CONSENT_GRANTED";
  public static final String REVOKED = "CONSENT_REVOKED";
  public static final String CONSENT_NOT_FOUND = "CONSENT_NOT_FOUND";

  /** Why a charge under consent is refused (CheckConsent's reasons). */
  public enum Refusal {
    NO_CONSENT,
    CONSENT_REVOKED,
    ABOVE_PER_CHARGE_MAXIMUM,
    CURRENCY_MISMATCH,
    USER_NOT_ACTIVE
  }

  public enum Status {
    ACTIVE,
    REVOKED
  }

  /** What a user sees of a consent. */
  public record ConsentView(
      UUID id,
      String partnerClientId,
      String partnerName,
      Amount maxPerCharge,
      Status status,
      Instant grantedAt,
      Instant updatedAt,
      Instant revokedAt) {
    static ConsentView of(Consent consent, String partnerName) {
      return new ConsentView(consent.id, consent.clientId, partnerName, consent.maxPerCharge(),
          consent.isActive() ? Status.ACTIVE : Status.REVOKED, consent.grantedAt, consent.updatedAt,
          consent.revokedAt);
    }
  }

  /** A grant's outcome: {@code created} is false when an active consent was updated. */
  public record Granted(ConsentView consent, boolean created) {}

  /** CheckConsent's answer; {@code refusal} is null when allowed. */
  public record Decision(boolean allowed, UUID consentId, Refusal refusal, Amount maxPerCharge) {
    static Decision refused(Refusal refusal, Consent consent) {
      return new Decision(false, consent == null ? null : consent.id, refusal,
          consent == null ? null : consent.maxPerCharge());
    }
  }

  private final ConsentRepository consents;
  private final UserRepository users;
  private final ClientService clients;
  private final ApiClientRepository clientRows;
  private final AuditLog audit;

  public ConsentService(
      ConsentRepository consents,
      UserRepository users,
      ClientService clients,
      ApiClientRepository clientRows,
      AuditLog audit) {
    this.consents = consents;
    this.users = users;
    this.clients = clients;
    this.clientRows = clientRows;
    this.audit = audit;
  }

  /**
   * Grants (or re-grants, replacing the maximum) a partner's consent. The user's row is locked
   * for the transaction, so concurrent grants and an erasure of the same user serialise.
   */
  public Uni<Granted> grant(UUID userId, String partnerClientId, Amount maxPerCharge, Origin origin) {
    if (partnerClientId == null || partnerClientId.isBlank()) {
      throw ApiException.invalid("partnerClientId is required", "MISSING_FIELD");
    }
    return Panache.withTransaction(
        () ->
            users.lockActive(userId)
                .chain(() -> clients.requireEnabled(partnerClientId))
                .chain(
                    client ->
                        consents
                            .findActive(userId, client.id)
                            .chain(existing -> upsert(existing, userId, client.id, maxPerCharge))
                            .call(granted -> audit.record(AuditLog.Actor.user(userId), userId, GRANTED,
                                AuditLog.Outcome.SUCCESS, origin, grantDetails(client.id, maxPerCharge)))
                            .map(granted -> new Granted(ConsentView.of(granted.consent(), client.name),
                                granted.created()))));
  }

  public Uni<Page<ConsentView>> list(UUID userId, Integer limit, String cursor) {
    int size = Page.limit(limit);
    UUID after = afterId(cursor);
    return Panache.withSession(
        () ->
            users.findActive(userId)
                .chain(() -> consents.listAfter(userId, after, size + 1))
                .chain(rows -> partnerNames(rows).map(names -> Page.of(rows, size, row -> row.id.toString(),
                    row -> ConsentView.of(row, names.get(row.clientId))))));
  }

  /** Revokes the user's consent; revoking a revoked one changes nothing. */
  public Uni<Void> revoke(UUID userId, String consentId, Origin origin) {
    UUID id = Ids.parse(consentId, "consentId");
    return Panache.withTransaction(
        () ->
            consents
                .findOwned(userId, id)
                .chain(
                    consent -> {
                      if (consent == null) {
                        throw ApiException.notFound("No such consent", CONSENT_NOT_FOUND);
                      }
                      if (!consent.isActive()) {
                        return Uni.createFrom().voidItem();
                      }
                      Instant now = Instant.now();
                      consent.revokedAt = now;
                      consent.updatedAt = now;
                      return audit.record(AuditLog.Actor.user(userId), userId, REVOKED,
                          AuditLog.Outcome.SUCCESS, origin, consent.id + " client=" + consent.clientId);
                    }));
  }

  /**
   * May this partner charge this user {@code amount} without the user present? A refusal is an
   * answer, not an error. An account locked after failed sign-ins is still evaluated: the lock
   * guards credentials, and no credential is used here (GetUser reports the lock to callers that
   * want to be stricter).
   */
  public Uni<Decision> check(UUID userId, String partnerClientId, Amount amount) {
    if (partnerClientId == null || partnerClientId.isBlank()) {
      throw ApiException.invalid("partner_client_id is required", "MISSING_FIELD");
    }
    return Panache.withSession(
        () ->
            users
                .findById(userId)
                .chain(
                    user -> {
                      if (user == null || !user.isActive()) {
                        return Uni.createFrom().item(Decision.refused(Refusal.USER_NOT_ACTIVE, null));
                      }
                      return consents
                          .findMostRelevant(userId, partnerClientId)
                          .map(consent -> decide(consent, amount));
                    }));
  }

  static Decision decide(Consent consent, Amount amount) {
    if (consent == null) {
      return Decision.refused(Refusal.NO_CONSENT, null);
    }
    if (!consent.isActive()) {
      return Decision.refused(Refusal.CONSENT_REVOKED, consent);
    }
    Amount maximum = consent.maxPerCharge();
    if (maximum != null && !maximum.currency().equals(amount.currency())) {
      return Decision.refused(Refusal.CURRENCY_MISMATCH, consent);
    }
    if (maximum != null && amount.amountMinor() > maximum.amountMinor()) {
      return Decision.refused(Refusal.ABOVE_PER_CHARGE_MAXIMUM, consent);
    }
    return new Decision(true, consent.id, null, maximum);
  }

  /** Every consent of the user, for the data export. Needs an open session. */
  Uni<List<ConsentView>> allOf(UUID userId) {
    return consents
        .listAll(userId)
        .chain(rows -> partnerNames(rows).map(names -> rows.stream()
            .map(row -> ConsentView.of(row, names.get(row.clientId)))
            .toList()));
  }

  private record Upserted(Consent consent, boolean created) {}

  private Uni<Upserted> upsert(Consent existing, UUID userId, String clientId, Amount maxPerCharge) {
    Instant now = Instant.now();
    if (existing != null) {
      existing.setMaxPerCharge(maxPerCharge);
      existing.updatedAt = now;
      return Uni.createFrom().item(new Upserted(existing, false));
    }
    Consent consent = new Consent();
    consent.id = Ids.newId();
    consent.userId = userId;
    consent.clientId = clientId;
    consent.setMaxPerCharge(maxPerCharge);
    consent.grantedAt = now;
    consent.updatedAt = now;
    return consents.persist(consent).map(saved -> new Upserted(saved, true));
  }

  private Uni<Map<String, String>> partnerNames(List<Consent> rows) {
    List<String> ids = rows.stream().map(row -> row.clientId).distinct().toList();
    if (ids.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    return clientRows
        .list("id in ?1", ids)
        .map(found -> found.stream().collect(Collectors.toMap(c -> c.id, c -> c.name, (a, b) -> a)));
  }

  private static UUID afterId(String cursor) {
    String key = Page.afterKey(cursor);
    if (key == null) {
      return null;
    }
    try {
      return UUID.fromString(key);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("cursor is not a cursor this API returned", "INVALID_CURSOR");
    }
  }

  private static String grantDetails(String clientId, Amount maximum) {
    return "client=" + clientId
        + (maximum == null ? " no maximum" : " max=" + maximum.amountMinor() + " " + maximum.currency());
  }
}
