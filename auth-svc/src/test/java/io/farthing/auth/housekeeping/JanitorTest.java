package io.farthing.auth.housekeeping;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.signIn;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.farthing.auth.support.Api;
import io.farthing.testing.Sql;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class JanitorTest {
  @Inject Janitor janitor;

  @Test
  void purgesRefreshTokensLongExpiredAndKeepsLiveOnes() throws Throwable {
    Api.TestUser stale = aUser();
    Api.TestUser live = aUser();
    signIn(stale);
    signIn(live);
    Sql.update("update refresh_tokens set expires_at = now() - interval '8 days' where user_id = '" + stale.id() + "'");

    VertxContextSupport.subscribeAndAwait(() -> janitor.purgeDeadCredentials());

    assertEquals(0L, count(stale.id()));
    assertEquals(1L, count(live.id()));
  }

  @Test
  void purgesSignInTicketsAnHourAfterTheyExpire() throws Throwable {
    Api.TestUser user = aUser();
    String stale = java.util.UUID.randomUUID().toString();
    String live = java.util.UUID.randomUUID().toString();
    Sql.update("insert into mfa_tickets (id, user_id, token_hash, created_at, expires_at) values"
        + " (cast(?1 as uuid), cast(?2 as uuid), ?3, now() - interval '3 hours', now() - interval '2 hours')",
        stale, user.id(), "stale-" + stale);
    Sql.update("insert into mfa_tickets (id, user_id, token_hash, created_at, expires_at) values"
        + " (cast(?1 as uuid), cast(?2 as uuid), ?3, now(), now() + interval '5 minutes')",
        live, user.id(), "live-" + live);

    VertxContextSupport.subscribeAndAwait(() -> janitor.purgeDeadCredentials());

    assertEquals(0L, Sql.count("select count(*) from mfa_tickets where id = cast(?1 as uuid)", stale));
    assertEquals(1L, Sql.count("select count(*) from mfa_tickets where id = cast(?1 as uuid)", live));
  }

  private static long count(String userId) {
    return ((Number) Sql.row("select count(*) from refresh_tokens where user_id = '" + userId + "'")[0]).longValue();
  }
}
