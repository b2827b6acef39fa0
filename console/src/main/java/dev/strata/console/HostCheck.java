package dev.strata.console;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Refuses requests whose {@code Host} is not a loopback name when the console listens on a
 * loopback address. Without it, a web page could rebind its own name to 127.0.0.1 (DNS rebinding)
 * and read the API as a same-origin page; the session token would not stop those reads.
 */
final class HostCheck {

  private final boolean loopbackOnly;

  HostCheck(InetAddress bound) {
    this.loopbackOnly = bound.isLoopbackAddress();
  }

  void verify(String hostHeader) throws ApiException {
    if (!loopbackOnly) {
      return;
    }
    String host = hostHeader == null ? "" : hostOf(hostHeader.toLowerCase(Locale.ROOT));
    if (!(host.equals("localhost") || host.equals("[::1]") || host.matches("127(\\.[0-9]{1,3}){3}"))) {
      throw new ApiException(403, "Host " + Answers.printable(hostHeader == null ? "(none)" : hostHeader)
          + " is not a loopback name: this console listens on loopback and answers only to "
          + "localhost, 127.0.0.1 or [::1]");
    }
  }

  private static String hostOf(String header) {
    if (header.startsWith("[")) {
      int end = header.indexOf(']');
      return end < 0 ? header : header.substring(0, end + 1);
    }
    int colon = header.indexOf(':');
    return colon < 0 ? header : header.substring(0, colon);
  }
}
