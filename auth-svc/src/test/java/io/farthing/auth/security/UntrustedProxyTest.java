package io.farthing.auth.security;

import static io.farthing.auth.security.ForwardedAddressTest.LIMIT;
import static io.farthing.auth.security.ForwardedAddressTest.limitedWithin;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.farthing.auth.support.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forwarding on, but the peer (the test client on loopback) is not a trusted proxy: its
 * X-Forwarded-For is ignored, so a caller cannot dodge the rate limit by inventing a new address on
 * every attempt.
 */
@QuarkusTest
@QuarkusTestResource(LocalPostgres.class)
@TestProfile(UntrustedProxyTest.UntrustedPeer.class)
class UntrustedProxyTest {

  public static class UntrustedPeer implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "auth.rate-limit.login-per-minute", String.valueOf(LIMIT),
          "quarkus.http.proxy.proxy-address-forwarding", "true",
          "quarkus.http.proxy.allow-x-forwarded", "true",
          "quarkus.http.proxy.trusted-proxies", "192.0.2.1");
    }
  }

  @Test
  void aForwardedForHeaderFromAnUntrustedPeerIsIgnored() {
    // Counted against the peer's own address whatever the header says. (The loopback counter may
    // already hold other tests' attempts in this window: it only gets there sooner.)
    assertTrue(limitedWithin(LIMIT * 4, ForwardedAddressTest::aClientAddress), "a new address per attempt must not reset the count");
  }
}
