package io.farthing.auth.security;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.Api;
import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Behind an ingress (the chart's proxy settings, with the test client's loopback as the trusted
 * proxy), login rate limits count per client address from X-Forwarded-For, so one client running
 * into its limit does not lock out every other client behind the same ingress.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(ForwardedAddressTest.BehindTrustedProxy.class)
class ForwardedAddressTest {
  static final int LIMIT = 3;

  public static class BehindTrustedProxy implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "auth.rate-limit.login-per-minute", String.valueOf(LIMIT),
          "quarkus.http.proxy.proxy-address-forwarding", "true",
          "quarkus.http.proxy.allow-x-forwarded", "true",
          "quarkus.http.proxy.trusted-proxies", "127.0.0.1");
    }
  }

  @Test
  void eachForwardedClientHasItsOwnLimit() {
    String first = aClientAddress();
    assertTrue(limitedWithin(LIMIT * 4, () -> first), "the first client runs into its limit");
    assertNotEquals(429, loginFrom(aClientAddress()), "another client behind the same proxy is not limited");
  }

  /** A random address in 198.18.0.0/15 (benchmarking, never routed), so runs never share a counter. */
  static String aClientAddress() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
  }

  static int loginFrom(String forwardedFor) {
    return Api.json()
        .header("X-Forwarded-For", forwardedFor)
        .body(Map.of("email", Api.uniqueEmail(), "password", "whatever password here"))
        .post("/v1/auth/login")
        .statusCode();
  }

  /** Logs in (wrongly) up to {@code attempts} times from the address given each time: true once refused with 429. */
  static boolean limitedWithin(int attempts, java.util.function.Supplier<String> address) {
    for (int attempt = 0; attempt < attempts; attempt++) {
      if (loginFrom(address.get()) == 429) {
        return true;
      }
    }
    return false;
  }
}
