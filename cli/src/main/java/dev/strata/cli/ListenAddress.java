package dev.strata.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * {@code --listen}'s value: {@code PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}. A port alone
 * means 127.0.0.1: the console has no login, so it is reachable from other hosts only when an
 * address says so.
 */
final class ListenAddress {

  private ListenAddress() {}

  /** @throws IllegalArgumentException naming what is wrong with {@code text} */
  static InetSocketAddress parse(String text) {
    String host;
    String port;
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      host = "127.0.0.1";
      port = text;
    } else {
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, [::1]:8080");
      }
      if (host.isEmpty()) {
        throw new IllegalArgumentException("'" + text + "': no host before the ':'; give HOST:PORT or PORT alone");
      }
    }
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number; give HOST:PORT or PORT");
    }
    if (number < 0 || number > 65535) {
      throw new IllegalArgumentException("'" + text + "': port " + number + " is not between 0 and 65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), number);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "': unknown host '" + host + "'");
    }
  }
}
