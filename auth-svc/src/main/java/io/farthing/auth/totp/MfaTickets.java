package io.farthing.auth.totp;

import io.farthing.auth.audit.AuditLog;
import io.farthing.auth.audit.Origin;
import io.farthing.common.Ids;
import io.farthing.auth.crypto.Secrets;
import io.farthing.auth.session.SessionService;
import io.farthing.auth.user.User;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Issues the opaque ticket a password sign-in gets when the account has a second factor: proof
 * that the password was right, good for one answer with a code, for five minutes.
 */
@ApplicationScoped
public class MfaTickets {
  public static final String MFA_REQUIRED = "LOGIN_MFA_REQUIRED";
  static final Duration TTL = Duration.ofMinutes(5);
  static final List<String> METHODS = List.of("totp", "recovery_code");
  private static final String PREFIX = "fmt_";
  /** Spent and expired tickets are kept a little, for investigations, then deleted. */

  private final MfaTicketRepository tickets;
  private final AuditLog audit;

  public MfaTickets(MfaTicketRepository tickets, AuditLog audit) {
    this.tickets = tickets;
    this.audit = audit;
  }

  public Uni<SessionService.MfaRequired> issue(User user, Origin origin) {
    String token = Secrets.newToken(PREFIX, 32);
    Instant now = Instant.now();
    MfaTicket ticket = new MfaTicket();
    ticket.id = Ids.newId();
    ticket.userId = user.id;
    ticket.tokenHash = Secrets.sha256Hex(token);
    ticket.createdAt = now;
    ticket.expiresAt = now.plus(TTL);
    return Panache.withTransaction(
            () ->
                tickets
                    .persist(ticket)
                    .call(() -> audit.record(AuditLog.Actor.ANONYMOUS, user.id, MFA_REQUIRED,
                        AuditLog.Outcome.SUCCESS, origin, "password accepted")))
        .replaceWith(new SessionService.MfaRequired(token, METHODS, TTL.toSeconds()));
  }
}
