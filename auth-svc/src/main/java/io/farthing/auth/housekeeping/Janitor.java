package io.farthing.auth.housekeeping;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes credentials that can no longer be used, in bounded batches, so tables of one-off
 * secrets do not grow without limit. Safe on several replicas at once: each batch is an
 * idempotent delete of rows already dead.
 */
@ApplicationScoped
public class Janitor {
  private static final Logger LOG = Logger.getLogger(Janitor.class);
  private static final int BATCH = 5_000;

  /**
   * Each statement deletes at most BATCH dead rows. Sessions, step-ups and their challenges keep a
   * week of history for investigations; sign-in tickets and device nonces an hour.
   */
  private static final List<String> PURGES =
      List.of(
          "delete from refresh_tokens where id in (select id from refresh_tokens"
              + " where expires_at < now() - interval '7 days' limit " + BATCH + ")",
          "delete from step_up_tokens where jti in (select jti from step_up_tokens"
              + " where expires_at < now() - interval '7 days' limit " + BATCH + ")",
          "delete from mfa_tickets where id in (select id from mfa_tickets"
              + " where expires_at < now() - interval '1 hour' limit " + BATCH + ")",
          "delete from device_challenges where id in (select id from device_challenges"
              + " where expires_at < now() - interval '1 hour' limit " + BATCH + ")",
          "delete from challenges c where c.id in (select id from challenges"
              + " where expires_at < now() - interval '7 days'"
              + " and not exists (select 1 from step_up_tokens t where t.challenge_id = challenges.id)"
              + " limit " + BATCH + ")");

  @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  Uni<Void> purgeDeadCredentials() {
    Uni<Integer> total = Uni.createFrom().item(0);
    for (String sql : PURGES) {
      total = total.chain(sum -> run(sql).map(deleted -> sum + deleted));
    }
    return total.invoke(deleted -> {
      if (deleted > 0) {
        LOG.infof("Purged %d expired credentials", deleted);
      }
    }).replaceWithVoid();
  }

  private static Uni<Integer> run(String sql) {
    return Panache.withTransaction(
        () -> Panache.getSession().chain(session -> session.createNativeQuery(sql).executeUpdate()));
  }
}
