package io.farthing.auth.security;

import static io.farthing.auth.support.Api.login;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(RateLimitTest.TightLimits.class)
class RateLimitTest {

  public static class TightLimits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("auth.rate-limit.login-per-minute", "5");
    }
  }

  @Test
  void loginBeyondTheLimitGets429WithRetryAfter() {
    String email = Api.uniqueEmail();
    // Within one window at most 5 attempts pass; a window boundary may reset the count once.
    boolean limited = false;
    for (int attempt = 1; attempt <= 12 && !limited; attempt++) {
      int status = login(email, "whatever password here").statusCode();
      limited = status == 429;
    }
    login(email, "whatever password here")
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .header("Retry-After", notNullValue())
        .body("reason", equalTo("RATE_LIMITED"));
  }
}
