package io.farthing.auth.audit;

import io.farthing.common.ApiException;
import io.farthing.common.Ids;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Writes audit events. {@link #record} joins the caller's transaction, so a change and its audit
 * row commit together; {@link #recordAlone} commits on its own, for refusals whose main work
 * rolls back (a failed login must be audited even though nothing else is written).
 */
@ApplicationScoped
public class AuditLog {
  private static final Logger LOG = Logger.getLogger(AuditLog.class);

  private static final Set<String> WRONG_PROOFS = Set.of("INVALID_OTP", "INVALID_CREDENTIALS");

  private final MeterRegistry meters;

  public AuditLog(MeterRegistry meters) {
    this.meters = meters;
  }

  public enum Outcome {
    SUCCESS,
    FAILURE,
    DENIED
  }

  /** Who acted: a user, an admin, a partner client, the system, or nobody known. */
  public record Actor(String type, String id) {
    public static Actor user(UUID id) {
      return new Actor("user", id.toString());
    }

    public static Actor client(String clientId) {
      return new Actor("client", clientId);
    }

    public static Actor service(String name) {
      return new Actor("service", name);
    }

    public static final Actor ANONYMOUS = new Actor("anonymous", null);
    public static final Actor SYSTEM = new Actor("system", null);
  }

  public Uni<Void> record(
      Actor actor, UUID subjectUserId, String action, Outcome outcome, Origin origin, String details) {
    AuditEvent event = new AuditEvent();
    event.id = Ids.newId();
    event.occurredAt = Instant.now();
    event.actorType = actor.type();
    event.actorId = actor.id();
    event.subjectUserId = subjectUserId;
    event.action = action;
    event.outcome = outcome.name();
    event.ip = origin == null ? null : origin.ip();
    event.userAgent = origin == null ? null : origin.userAgent();
    event.details = details;
    // Every audited action is also a metric: logins, lock-outs, step-ups, key rotations, by outcome.
    meters.counter("farthing_auth_events_total", "action", action, "outcome", outcome.name()).increment();
    LOG.infof(
        "audit action=%s outcome=%s actor=%s:%s subject=%s",
        action, outcome, actor.type(), actor.id(), subjectUserId);
    return event.persist().replaceWithVoid();
  }

  /**
   * Runs a user's change; if it is refused ({@link ApiException}), the refusal is audited on its
   * own, since the change's transaction rolled back. A wrong password or code is a FAILURE (an
   * attempt that can be an attack), any other refusal DENIED; the details are the reason.
   */
  public <T> Uni<T> refusalsAudited(
      String action, UUID userId, Origin origin, Supplier<Uni<? extends T>> change) {
    return Uni.createFrom()
        .<T>deferred(change)
        .onFailure(ApiException.class)
        .call(failure -> {
          String reason = ((ApiException) failure).reason();
          Outcome outcome = WRONG_PROOFS.contains(reason) ? Outcome.FAILURE : Outcome.DENIED;
          return recordAlone(Actor.user(userId), userId, action, outcome, origin, reason);
        });
  }

  public Uni<Void> recordAlone(
      Actor actor, UUID subjectUserId, String action, Outcome outcome, Origin origin, String details) {
    return Panache.withTransaction(
        () -> record(actor, subjectUserId, action, outcome, origin, details));
  }
}
