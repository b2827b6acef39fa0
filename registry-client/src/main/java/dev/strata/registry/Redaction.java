package dev.strata.registry;

import java.net.URI;

/**
 * What of a URI may appear in logs and messages. Blob redirects point at pre-signed storage URLs
 * whose query string is a credential, so the query and any user-info are always left out.
 */
final class Redaction {

  private Redaction() {}

  static String uri(URI uri) {
    StringBuilder b = new StringBuilder();
    if (uri.getScheme() != null) {
      b.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      b.append(uri.getHost());
      if (uri.getPort() >= 0) {
        b.append(':').append(uri.getPort());
      }
    }
    if (uri.getRawPath() != null) {
      b.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      b.append("?…");
    }
    return b.toString();
  }
}
