package io.farthing.auth.event;

import io.farthing.auth.audit.Origin;
import io.farthing.auth.user.PersonalData;
import io.farthing.auth.user.User;
import io.farthing.auth.user.UserRepository;
import io.farthing.common.Ids;
import io.farthing.common.events.EventNames;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Security alerts for notify-svc, written to the outbox in the caller's transaction (like
 * {@link io.farthing.auth.audit.AuditLog#record}), so an alert exists exactly when the change it
 * reports committed. The relay ({@link SecurityEventRelay}) publishes them; callers
 * {@link #committed()} after their transaction to have it done at once.
 *
 * <p>The data: {@code userId}, {@code email} (the account's address, which notify-svc emails
 * security alerts to), {@code at}, {@code ipAddress} when the change came from a request, and
 * what each type adds ({@code deviceName}, {@code reason}, {@code lockedUntil}).
 */
@ApplicationScoped
public class SecurityEvents {
  /** A sign-in key for a new device was added to the account. */
  public static final String NEW_DEVICE = EventNames.SECURITY_NEW_DEVICE;
  /** The account was locked after too many failed attempts. */
  public static final String LOCKED_OUT = EventNames.SECURITY_LOCKED_OUT;
  /** A step-up challenge was answered wrongly. */
  public static final String STEP_UP_FAILED = EventNames.SECURITY_STEP_UP_FAILED;

  /**
   * One key per user: a user's security alerts are published in the order they happened. The
   * data is bound as text and parsed by PostgreSQL (a string bound straight to jsonb would be
   * stored as one JSON string).
   */
  private static final String INSERT =
      "insert into outbox (id, type, user_id, ordering_key, sequence, data) values (?1, ?2, ?3, ?4,"
          + " (select coalesce(max(o.sequence), 0) + 1 from outbox o where o.ordering_key = ?4),"
          + " cast(cast(?5 as text) as jsonb))";

  private final UserRepository users;
  private final PersonalData personalData;
  private final SecurityEventRelay relay;

  public SecurityEvents(UserRepository users, PersonalData personalData, SecurityEventRelay relay) {
    this.users = users;
    this.personalData = personalData;
    this.relay = relay;
  }

  /** Records an alert about {@code userId} (nothing for an erased or unknown account: no one to tell). */
  public Uni<Void> record(String type, UUID userId, Origin origin, JsonObject details) {
    return users.findById(userId)
        .chain(user -> user == null || !user.isActive() ? Uni.createFrom().voidItem() : record(type, user, origin, details));
  }

  /** Records an alert about {@code user}, in the current transaction. */
  public Uni<Void> record(String type, User user, Origin origin, JsonObject details) {
    JsonObject data =
        new JsonObject()
            .put("userId", user.id.toString())
            .put("email", personalData.open(user, "email", user.emailEnc))
            .put("at", Instant.now().toString());
    if (origin != null && origin != Origin.INTERNAL && origin.ip() != null) {
      data.put("ipAddress", origin.ip());
    }
    if (details != null) {
      data.mergeIn(details);
    }
    return Panache.getSession()
        .chain(
            session ->
                session
                    .createNativeQuery(INSERT)
                    .setParameter(1, Ids.newId())
                    .setParameter(2, type)
                    .setParameter(3, user.id)
                    .setParameter(4, "security:" + user.id)
                    .setParameter(5, data.encode())
                    .executeUpdate())
        .replaceWithVoid();
  }

  /** After the transaction that recorded alerts committed: publish them now, not at the next poll. */
  public void committed() {
    relay.wake();
  }
}
