package io.farthing.notify.webhook.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as {@code 10.0.0.0/8} or {@code fc00::/7}; matches one address family. */
public record Cidr(byte[] network, int prefixBits, String text) {

  /** Parses an address literal with an optional /prefix; never looks anything up in DNS. */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String literal = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (literal.isEmpty() || !literal.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an address range: " + text);
    }
    byte[] network;
    try {
      network = InetAddress.getByName(literal).getAddress(); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address range: " + text, e);
    }
    int bits = slash < 0 ? network.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
    if (bits < 0 || bits > network.length * 8) {
      throw new IllegalArgumentException("bad prefix length: " + text);
    }
    return new Cidr(network, bits, trimmed);
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  public boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    int full = prefixBits / 8;
    for (int i = 0; i < full; i++) {
      if (address[i] != network[i]) {
        return false;
      }
    }
    int rest = prefixBits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xFF << (8 - rest)) & 0xFF;
    return (address[full] & mask) == (network[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
