package io.farthing.auth.consent;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.auth.client.ApiClientRepository;
import io.farthing.auth.client.ClientService;
import io.farthing.auth.event.SecurityEvents;
import io.farthing.common.events.EventNames;
import io.farthing.common.Amount;
import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.farthing.common.Page;
import io.farthing.auth.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Users' payment consents: a user lets one partner charge them without being present, up to an
 * optional per-charge maximum and an optional {@link Allowance} (up to X per period of an ISO-8601
 * repeating interval). One active consent per user and partner; granting again replaces the
 * maximum and the allowance. payments-svc asks {@link #check} before every such charge, so a
 * revocation or change counts from the next charge on.
 *
 * <p>The allowance's periods are computed here, and only here: {@link #check} names the period a
 * charge falls in (by this service's clock), and payments-svc counts the charge against that
 * period's usage without interpreting the interval itself.
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
    USER_NOT_ACTIVE,
    ALLOWANCE_NOT_STARTED,
    ALLOWANCE_ENDED
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
      AllowanceView allowance,
      Status status,
      Instant grantedAt,
      Instant updatedAt,
      Instant revokedAt) {
    static ConsentView of(Consent consent, String partnerName) {
      return new ConsentView(consent.id, consent.clientId, partnerName, consent.maxPerCharge(),
          AllowanceView.of(consent.allowance(), Instant.now()),
          consent.isActive() ? Status.ACTIVE : Status.REVOKED, consent.grantedAt, consent.updatedAt,
          consent.revokedAt);
    }
  }

  /**
   * An allowance as the user and payments-svc see it: its limit and interval, where now falls
   * (CURRENT, NOT_STARTED, ENDED) and, when CURRENT, the period's bounds [periodStart, periodEnd).
   */
  public record AllowanceView(
      Amount limit, String interval, RepeatingInterval.Position position, Instant periodStart, Instant periodEnd) {
    static AllowanceView of(Allowance allowance, Instant now) {
      if (allowance == null) {
        return null;
      }
      RepeatingInterval.Placement placement = allowance.interval().placement(now);
      RepeatingInterval.Window window = placement.window();
      return new AllowanceView(allowance.limit(), allowance.interval().text(), placement.position(),
          window == null ? null : window.start(), window == null ? null : window.end());
    }
  }

  /** A grant's outcome: {@code created} is false when an active consent was updated. */
  public record Granted(ConsentView consent, boolean created) {}

  /** CheckConsent's answer; {@code refusal} is null when allowed, {@code allowance} null without one. */
  public record Decision(
      boolean allowed, UUID consentId, Refusal refusal, Amount maxPerCharge, AllowanceView allowance) {
    static Decision refused(Refusal refusal, Consent consent, AllowanceView allowance) {
      return new Decision(false, consent == null ? null : consent.id, refusal,
          consent == null ? null : consent.maxPerCharge(), allowance);
    }
  }

  private final ConsentRepository consents;
  private final UserRepository users;
  private final ClientService clients;
  private final ApiClientRepository clientRows;
  private final AuditLog audit;
  private final SecurityEvents events;
  private final AllowanceConfig allowanceConfig;

  public ConsentService(
      ConsentRepository consents,
      UserRepository users,
      ClientService clients,
      ApiClientRepository clientRows,
      AuditLog audit,
      SecurityEvents events,
      AllowanceConfig allowanceConfig) {
    this.consents = consents;
    this.users = users;
    this.clients = clients;
    this.clientRows = clientRows;
    this.audit = audit;
    this.events = events;
    this.allowanceConfig = allowanceConfig;
  }

  /**
   * An allowance from a request: {@code limit} (already a valid positive amount) per period of
   * {@code interval}, parsed and bounded (INVALID_INTERVAL).
   */
  public Allowance allowance(Amount limit, String interval) {
    return new Allowance(
        limit, RepeatingInterval.parse(interval, allowanceConfig.minInterval(), allowanceConfig.maxRepetitions()));
  }

  /**
   * Grants (or re-grants, replacing the maximum and the allowance) a partner's consent. The user's
   * row is locked for the transaction, so concurrent grants and an erasure of the same user
   * serialise.
   */
  public Uni<Granted> grant(
      UUID userId, String partnerClientId, Amount maxPerCharge, Allowance allowance, Origin origin) {
    if (partnerClientId == null || partnerClientId.isBlank()) {
      throw ApiException.invalid("partnerClientId is required", "MISSING_FIELD");
    }
    requireOneCurrency(maxPerCharge, allowance);
    return Panache.withTransaction(
        () ->
            users.lockActive(userId)
                .chain(() -> clients.requireEnabled(partnerClientId))
                .chain(
                    client ->
                        consents
                            .findActive(userId, client.id)
                            .chain(existing -> {
                              Allowance before = existing == null ? null : existing.allowance();
                              return upsert(existing, userId, client.id, maxPerCharge, allowance)
                                  .call(granted -> recordChange(userId, granted.consent(), before, origin));
                            })
                            .map(granted -> new Granted(ConsentView.of(granted.consent(), client.name),
                                granted.created()))))
        .invoke(events::committed);
  }

  /**
   * Changes the maximum and the allowance of one of the user's active consents (both replaced:
   * null removes). Another user's consent is CONSENT_NOT_FOUND, a revoked one CONSENT_REVOKED.
   */
  public Uni<ConsentView> change(
      UUID userId, String consentId, Amount maxPerCharge, Allowance allowance, Origin origin) {
    UUID id = Ids.parse(consentId, "consentId");
    requireOneCurrency(maxPerCharge, allowance);
    return Panache.withTransaction(
        () ->
            users.lockActive(userId)
                .chain(() -> consents.findOwned(userId, id))
                .chain(
                    consent -> {
                      if (consent == null) {
                        throw ApiException.notFound("No such consent", CONSENT_NOT_FOUND);
                      }
                      if (!consent.isActive()) {
                        throw ApiException.precondition("A revoked consent cannot be changed", Refusal.CONSENT_REVOKED.name());
                      }
                      Allowance before = consent.allowance();
                      return upsert(consent, userId, consent.clientId, maxPerCharge, allowance)
                          .call(changed -> recordChange(userId, changed.consent(), before, origin))
                          .chain(changed -> partnerNames(List.of(changed.consent()))
                              .map(names -> ConsentView.of(changed.consent(), names.get(changed.consent().clientId))));
                    }))
        .invoke(events::committed);
  }

  /** The audit record of a grant or change, and the allowance event when the allowance changed. */
  private Uni<Void> recordChange(UUID userId, Consent consent, Allowance before, Origin origin) {
    Allowance after = consent.allowance();
    Uni<Void> audited = audit.record(AuditLog.Actor.user(userId), userId, GRANTED, AuditLog.Outcome.SUCCESS, origin,
        grantDetails(consent.clientId, consent.maxPerCharge(), after));
    if (after != null && !after.equals(before)) {
      return audited.chain(() -> allowanceEvent(EventNames.ALLOWANCE_GRANTED, userId, consent, after, origin));
    }
    if (after == null && before != null) {
      return audited.chain(() -> allowanceEvent(EventNames.ALLOWANCE_REVOKED, userId, consent, before, origin));
    }
    return audited;
  }

  private Uni<Void> allowanceEvent(String type, UUID userId, Consent consent, Allowance allowance, Origin origin) {
    JsonObject details =
        new JsonObject()
            .put("consentId", consent.id.toString())
            .put("partnerClientId", consent.clientId)
            .put("limitMinor", allowance.limit().amountMinor())
            .put("currency", allowance.limit().currency())
            .put("interval", allowance.interval().text());
    return events.record(type, userId, origin, details);
  }

  private static void requireOneCurrency(Amount maxPerCharge, Allowance allowance) {
    if (maxPerCharge != null && allowance != null && !maxPerCharge.currency().equals(allowance.limit().currency())) {
      throw ApiException.invalid("maxPerCharge and allowance.limit must be in one currency", Refusal.CURRENCY_MISMATCH.name());
    }
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
                      Allowance allowance = consent.allowance();
                      Uni<Void> audited = audit.record(AuditLog.Actor.user(userId), userId, REVOKED,
                          AuditLog.Outcome.SUCCESS, origin, consent.id + " client=" + consent.clientId);
                      return allowance == null
                          ? audited
                          : audited.chain(() -> allowanceEvent(EventNames.ALLOWANCE_REVOKED, userId, consent, allowance, origin));
                    }))
        .invoke(events::committed);
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
                        return Uni.createFrom().item(Decision.refused(Refusal.USER_NOT_ACTIVE, null, null));
                      }
                      return consents
                          .findMostRelevant(userId, partnerClientId)
                          .map(consent -> decide(consent, amount, Instant.now()));
                    }));
  }

  /**
   * The consent's answer for {@code amount} at {@code now}. An allowance adds: the charge must be
   * in its currency and fall in one of its periods; whether the period has room is payments-svc's
   * to count (ALLOWANCE_EXCEEDED there).
   */
  static Decision decide(Consent consent, Amount amount, Instant now) {
    if (consent == null) {
      return Decision.refused(Refusal.NO_CONSENT, null, null);
    }
    AllowanceView allowance = consent.isActive() ? AllowanceView.of(consent.allowance(), now) : null;
    if (!consent.isActive()) {
      return Decision.refused(Refusal.CONSENT_REVOKED, consent, null);
    }
    Amount maximum = consent.maxPerCharge();
    if (maximum != null && !maximum.currency().equals(amount.currency())) {
      return Decision.refused(Refusal.CURRENCY_MISMATCH, consent, allowance);
    }
    if (maximum != null && amount.amountMinor() > maximum.amountMinor()) {
      return Decision.refused(Refusal.ABOVE_PER_CHARGE_MAXIMUM, consent, allowance);
    }
    if (allowance != null) {
      if (!allowance.limit().currency().equals(amount.currency())) {
        return Decision.refused(Refusal.CURRENCY_MISMATCH, consent, allowance);
      }
      if (allowance.position() == RepeatingInterval.Position.NOT_STARTED) {
        return Decision.refused(Refusal.ALLOWANCE_NOT_STARTED, consent, allowance);
      }
      if (allowance.position() == RepeatingInterval.Position.ENDED) {
        return Decision.refused(Refusal.ALLOWANCE_ENDED, consent, allowance);
      }
    }
    return new Decision(true, consent.id, null, maximum, allowance);
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

  private Uni<Upserted> upsert(
      Consent existing, UUID userId, String clientId, Amount maxPerCharge, Allowance allowance) {
    Instant now = Instant.now();
    if (existing != null) {
      existing.setMaxPerCharge(maxPerCharge);
      existing.setAllowance(allowance);
      existing.updatedAt = now;
      return Uni.createFrom().item(new Upserted(existing, false));
    }
    Consent consent = new Consent();
    consent.id = Ids.newId();
    consent.userId = userId;
    consent.clientId = clientId;
    consent.setMaxPerCharge(maxPerCharge);
    consent.setAllowance(allowance);
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

  private static String grantDetails(String clientId, Amount maximum, Allowance allowance) {
    return "client=" + clientId
        + (maximum == null ? " no maximum" : " max=" + maximum.amountMinor() + " " + maximum.currency())
        + (allowance == null
            ? ""
            : " allowance=" + allowance.limit().amountMinor() + " " + allowance.limit().currency() + " per "
                + allowance.interval().text());
  }
}
