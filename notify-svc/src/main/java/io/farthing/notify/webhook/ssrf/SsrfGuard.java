package io.farthing.notify.webhook.ssrf;

import io.farthing.common.ApiException;
import io.farthing.notify.webhook.WebhooksConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Keeps partner endpoints from pointing inside the platform's network (SSRF). A URL passes only
 * when it is https (http only where configured), carries no user info, its host is not a known
 * internal name, and EVERY address its host resolves to is public — loopback, private, link-local
 * (cloud metadata), CGNAT, unspecified, multicast, broadcast, reserved and documentation ranges
 * are refused, also when wrapped in IPv6 (IPv4-mapped, NAT64, 6to4). Operators may allow chosen
 * internal ranges explicitly (development only). The check runs at registration and again before
 * every delivery, and the caller connects to the address checked here, never to a fresh lookup.
 *
 * <p>{@link #check} blocks on DNS: call it from a worker thread.
 */
@ApplicationScoped
public class SsrfGuard {
  public static final int MAX_URL_LENGTH = 2048;

  /** The result of a passed check: where to connect, and the name to present (Host, SNI). */
  public record Target(URI uri, boolean https, String host, int port, String pathAndQuery, List<InetAddress> addresses) {
    public InetAddress address() {
      return addresses.get(0);
    }
  }

  /** Looks a host name up; replaceable in unit tests. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private static final List<Cidr> REFUSED_V4 =
      cidrs(
          "0.0.0.0/8", // "this network", incl. the unspecified address
          "10.0.0.0/8",
          "100.64.0.0/10", // carrier-grade NAT
          "127.0.0.0/8",
          "169.254.0.0/16", // link-local, incl. 169.254.169.254 cloud metadata
          "172.16.0.0/12",
          "192.0.0.0/24",
          "192.0.2.0/24",
          "192.88.99.0/24",
          "192.168.0.0/16",
          "198.18.0.0/15",
          "198.51.100.0/24",
          "203.0.113.0/24",
          "224.0.0.0/4", // multicast
          "240.0.0.0/4"); // reserved, incl. 255.255.255.255 broadcast
  private static final List<Cidr> REFUSED_V6 =
      cidrs(
          "::/128",
          "::1/128",
          "100::/64", // discard
          "2001::/32", // Teredo: hides an IPv4 address
          "2001:db8::/32",
          "fc00::/7", // unique local
          "fe80::/10", // link-local
          "fec0::/10", // old site-local
          "ff00::/8"); // multicast
  private static final Cidr COMPATIBLE = Cidr.parse("::/96");
  private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
  private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

  private final boolean allowHttp;
  private final List<Cidr> allowed;
  private final List<String> blockedHosts;
  private final List<String> blockedSuffixes;
  private final Resolver resolver;

  @Inject
  public SsrfGuard(WebhooksConfig config) {
    this(
        config.allowHttp(),
        config.allowedPrivateCidrs().orElse(List.of()),
        config.blockedHosts(),
        config.blockedHostSuffixes(),
        InetAddress::getAllByName);
  }

  public SsrfGuard(
      boolean allowHttp, List<String> allowedCidrs, List<String> blockedHosts, List<String> blockedSuffixes,
      Resolver resolver) {
    this.allowHttp = allowHttp;
    this.allowed = allowedCidrs.stream().filter(c -> !c.isBlank()).map(Cidr::parse).toList();
    this.blockedHosts = blockedHosts.stream().map(SsrfGuard::normalHost).toList();
    this.blockedSuffixes = blockedSuffixes.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
    this.resolver = resolver;
  }

  /** The URL's syntax only (no DNS): what may be checked on an event-loop thread. */
  public URI parse(String url) {
    if (url == null || url.isBlank()) {
      throw ApiException.invalid("url is required", "MISSING_FIELD");
    }
    if (url.length() > MAX_URL_LENGTH) {
      throw ApiException.invalid("url is longer than " + MAX_URL_LENGTH + " characters", "INVALID_URL");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw ApiException.invalid("url is not a valid URL", "INVALID_URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("https") || scheme.equals("http"))) {
      throw ApiException.invalid("url must be an https URL", "INVALID_URL");
    }
    if (scheme.equals("http") && !allowHttp) {
      throw ApiException.invalid("url must use https", "HTTPS_REQUIRED");
    }
    if (uri.getRawUserInfo() != null) {
      throw ApiException.invalid("url must not carry a user name or password", "URL_HAS_CREDENTIALS");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw ApiException.invalid("url has no valid host name", "INVALID_URL");
    }
    if (uri.getRawFragment() != null) {
      throw ApiException.invalid("url must not have a #fragment", "INVALID_URL");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw ApiException.invalid("url has an invalid port", "INVALID_URL");
    }
    String host = normalHost(uri.getHost());
    if (blockedHosts.contains(host) || blockedSuffixes.stream().anyMatch(host::endsWith)) {
      throw ApiException.invalid("url points to an internal host", "URL_NOT_ALLOWED");
    }
    return uri;
  }

  /** Parses, resolves and checks every address; blocks on DNS. */
  public Target check(String url) {
    URI uri = parse(url);
    boolean https = uri.getScheme().equalsIgnoreCase("https");
    String host = normalHost(uri.getHost());
    InetAddress[] resolved;
    try {
      resolved = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw ApiException.invalid("url's host does not resolve", "HOST_NOT_RESOLVED");
    }
    if (resolved == null || resolved.length == 0) {
      throw ApiException.invalid("url's host does not resolve", "HOST_NOT_RESOLVED");
    }
    for (InetAddress address : resolved) {
      if (!permitted(address)) {
        throw ApiException.invalid("url resolves to an address that is not allowed", "URL_NOT_ALLOWED");
      }
    }
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    return new Target(uri, https, host, port, pathAndQuery, List.of(resolved));
  }

  /** True when {@code address} is public, or inside a range the operator allowed. */
  public boolean permitted(InetAddress address) {
    if (allowed.stream().anyMatch(c -> c.contains(address))) {
      return true;
    }
    return !refused(address.getAddress());
  }

  static boolean refused(byte[] address) {
    if (address.length == 4) {
      return REFUSED_V4.stream().anyMatch(c -> c.contains(address));
    }
    if (REFUSED_V6.stream().anyMatch(c -> c.contains(address))) {
      return true;
    }
    if (ipv4Mapped(address) || COMPATIBLE.contains(address) || NAT64.contains(address)) {
      return refused(Arrays.copyOfRange(address, 12, 16));
    }
    if (SIX_TO_FOUR.contains(address)) {
      return refused(Arrays.copyOfRange(address, 2, 6));
    }
    return false;
  }

  /**
   * ::ffff:a.b.c.d. Matched on the bytes: Java turns such a literal into an Inet4Address, so it
   * cannot be written as a {@link Cidr}; a raw 16-byte form is still caught here.
   */
  private static boolean ipv4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static String normalHost(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }

  private static List<Cidr> cidrs(String... ranges) {
    return Arrays.stream(ranges).map(Cidr::parse).toList();
  }
}
