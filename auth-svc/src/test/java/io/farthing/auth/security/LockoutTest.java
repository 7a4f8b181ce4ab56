package io.farthing.auth.security;

import static io.farthing.auth.support.Api.aUser;
import static io.farthing.auth.support.Api.login;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.Api;
import io.farthing.testing.Sql;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
class LockoutTest {
  private static final String WRONG = "definitely not the password";

  @Inject RedisDataSource redis;

  @Test
  void tenFailedLoginsLockTheAccountEvenForTheRightPassword() {
    Api.TestUser user = aUser();
    for (int attempt = 1; attempt <= 10; attempt++) {
      login(user.email(), WRONG).then().statusCode(401);
    }

    login(user.email(), user.password())
        .then()
        .statusCode(423)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue())
        .body("reason", equalTo("ACCOUNT_LOCKED"));
    assertEquals(1L, count("select count(*) from audit_events where action = 'ACCOUNT_LOCKED' and subject_user_id = '" + user.id() + "'"));
    long lockedForSeconds = count("select cast(extract(epoch from locked_until - now()) as bigint) from users where id = '" + user.id() + "'");
    assertTrue(lockedForSeconds > 29 * 60 && lockedForSeconds <= 30 * 60, "locked for 30 minutes, was " + lockedForSeconds);
  }

  @Test
  void theLockSurvivesARedisFlush() {
    Api.TestUser user = aUser();
    for (int attempt = 1; attempt <= 10; attempt++) {
      login(user.email(), WRONG).then().statusCode(401);
    }

    redis.execute("FLUSHDB");

    login(user.email(), user.password()).then().statusCode(423).body("reason", equalTo("ACCOUNT_LOCKED"));
  }

  @Test
  void nineFailuresThenSuccessResetsTheCount() {
    Api.TestUser user = aUser();
    for (int attempt = 1; attempt <= 9; attempt++) {
      login(user.email(), WRONG).then().statusCode(401);
    }
    login(user.email(), user.password()).then().statusCode(200);
    for (int attempt = 1; attempt <= 9; attempt++) {
      login(user.email(), WRONG).then().statusCode(401);
    }
    login(user.email(), user.password()).then().statusCode(200);
  }

  @Test
  void someoneElsesWrongPasswordsDoNotEndTheOwnersSessions() {
    Api.TestUser user = aUser();
    Api.Tokens owner = Api.signIn(user);
    for (int attempt = 1; attempt <= 10; attempt++) {
      login(user.email(), WRONG).then().statusCode(401);
    }
    // While locked, refresh is refused without spending the token...
    Api.json().body(java.util.Map.of("refreshToken", owner.refreshToken())).post("/v1/auth/refresh")
        .then().statusCode(423).body("reason", equalTo("ACCOUNT_LOCKED"));
    // ...so once the lock has passed, the owner's session carries on.
    Sql.update("update users set locked_until = now() - interval '1 second' where id = '" + user.id() + "'");
    Api.json().body(java.util.Map.of("refreshToken", owner.refreshToken())).post("/v1/auth/refresh")
        .then().statusCode(200);
  }

  @Test
  void wrongCurrentPasswordsOnPasswordChangeCountTowardLockOut() {
    Api.TestUser user = aUser();
    String token = Api.signIn(user).accessToken();
    for (int attempt = 1; attempt <= 10; attempt++) {
      Api.as(token).body(java.util.Map.of("currentPassword", WRONG + attempt, "newPassword", "a brand new passphrase"))
          .post("/v1/me/password").then().statusCode(403);
    }
    Api.as(token).body(java.util.Map.of("currentPassword", user.password(), "newPassword", "a brand new passphrase"))
        .post("/v1/me/password").then().statusCode(423);
    login(user.email(), user.password()).then().statusCode(423);
  }

  @Test
  void failedAttemptsAreAuditedWithTheirOrigin() {
    Api.TestUser user = aUser();
    login(user.email(), WRONG).then().statusCode(401);
    assertEquals(1L, count("select count(*) from audit_events where action = 'LOGIN_FAILED' and outcome = 'FAILURE'"
        + " and ip is not null and subject_user_id = '" + user.id() + "'"));
  }

  private static long count(String sql) {
    return ((Number) Sql.row(sql)[0]).longValue();
  }
}
