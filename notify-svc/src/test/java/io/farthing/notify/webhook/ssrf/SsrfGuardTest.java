package io.farthing.notify.webhook.ssrf;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.farthing.common.ApiException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The registration-time table, with production settings: https only, no internal range allowed. */
class SsrfGuardTest {
  private static final Map<String, String[]> DNS =
      Map.of(
          "hooks.example.com", new String[] {"93.184.216.34"},
          "rebound.example.com", new String[] {"10.0.0.1"},
          "mixed.example.com", new String[] {"93.184.216.34", "169.254.169.254"},
          "v6.example.com", new String[] {"2606:2800:220:1:248:1893:25c8:1946"});

  private static InetAddress[] resolve(String host) throws UnknownHostException {
    String[] fake = DNS.get(host);
    if (fake == null) {
      return InetAddress.getAllByName(host); // literals and localhost: no network needed
    }
    InetAddress[] out = new InetAddress[fake.length];
    for (int i = 0; i < fake.length; i++) {
      out[i] = InetAddress.getByName(fake[i]);
    }
    return out;
  }

  private final SsrfGuard production =
      new SsrfGuard(
          false, List.of(), List.of("metadata.google.internal", "metadata", "instance-data"),
          List.of(".internal", ".cluster.local", ".svc"), SsrfGuardTest::resolve);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://127.0.0.1/hooks",
        "https://127.8.9.10/hooks",
        "https://[::1]/hooks",
        "https://10.0.0.1/hooks",
        "https://172.16.5.4/hooks",
        "https://172.31.255.255/hooks",
        "https://192.168.1.1/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hooks",
        "https://0.0.0.0/hooks",
        "https://224.0.0.1/hooks",
        "https://255.255.255.255/hooks",
        "https://[fe80::1]/hooks",
        "https://[fc00::1]/hooks",
        "https://[fd12:3456::1]/hooks",
        "https://[ff02::1]/hooks",
        "https://[::]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[::ffff:169.254.169.254]/hooks",
        "https://[64:ff9b::a00:1]/hooks",
        "https://[2002:a00:1::]/hooks",
        "https://localhost/hooks",
        "https://localhost./hooks",
        "https://rebound.example.com/hooks",
        "https://mixed.example.com/hooks",
        "https://metadata.google.internal/computeMetadata/v1/",
        "https://METADATA.GOOGLE.INTERNAL./x",
        "https://payments-svc.farthing.svc.cluster.local/x",
        "https://metadata/x"
      })
  void refusesInternalDestinations(String url) {
    ApiException refused = assertThrows(ApiException.class, () -> production.check(url));

    assertEquals("URL_NOT_ALLOWED", refused.reason(), url);
  }

  @Test
  void refusesMalformedInsecureAndCredentialedUrlsWithPreciseReasons() {
    assertEquals("HTTPS_REQUIRED", reason("http://hooks.example.com/x"));
    assertEquals("URL_HAS_CREDENTIALS", reason("https://user:pw@hooks.example.com/x"));
    assertEquals("URL_HAS_CREDENTIALS", reason("https://user@hooks.example.com/x"));
    assertEquals("INVALID_URL", reason("ftp://hooks.example.com/x"));
    assertEquals("INVALID_URL", reason("hooks.example.com/x"));
    assertEquals("INVALID_URL", reason("https://hooks.example.com/x#frag"));
    assertEquals("INVALID_URL", reason("https:///nohost"));
    assertEquals("INVALID_URL", reason("https://exa mple.com/"));
    assertEquals("INVALID_URL", reason("https://hooks.example.com/" + "a".repeat(2100)));
    assertEquals("MISSING_FIELD", reason(""));
    assertEquals("HOST_NOT_RESOLVED", reason("https://no-such-host.invalid/x"));
  }

  @Test
  void acceptsPublicDestinationsAndPinsTheResolvedAddress() {
    SsrfGuard.Target target = production.check("https://hooks.example.com:8443/in?x=1");

    assertEquals("93.184.216.34", target.address().getHostAddress());
    assertEquals("hooks.example.com", target.host());
    assertEquals(8443, target.port());
    assertEquals("/in?x=1", target.pathAndQuery());
    assertDoesNotThrow(() -> production.check("https://v6.example.com/"));
    assertDoesNotThrow(() -> production.check("https://93.184.216.34/"));
    assertDoesNotThrow(() -> production.check("https://[2606:2800:220:1:248:1893:25c8:1946]/"));
  }

  @Test
  void anOperatorAllowListAdmitsOnlyTheRangesItNames() {
    SsrfGuard dev = new SsrfGuard(true, List.of("127.0.0.1/32"), List.of(), List.of(), SsrfGuardTest::resolve);

    assertDoesNotThrow(() -> dev.check("http://127.0.0.1:9000/hooks"));
    assertDoesNotThrow(() -> dev.check("http://localhost:9000/hooks"));
    assertEquals("URL_NOT_ALLOWED", assertThrows(ApiException.class, () -> dev.check("http://127.0.0.2/")).reason());
    assertEquals("URL_NOT_ALLOWED", assertThrows(ApiException.class, () -> dev.check("http://[::1]/")).reason());
    assertEquals("URL_NOT_ALLOWED", assertThrows(ApiException.class, () -> dev.check("http://169.254.169.254/")).reason());
  }

  private String reason(String url) {
    return assertThrows(ApiException.class, () -> production.check(url)).reason();
  }
}
