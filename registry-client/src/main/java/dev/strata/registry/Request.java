package dev.strata.registry;

import java.net.URI;
import java.net.http.HttpRequest.BodyPublisher;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One registry request as {@link RegistryTransport#send} takes it.
 *
 * @param method {@code GET}, {@code HEAD}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
 * @param uri absolute; build it with {@link RegistryTransport#uri} or {@link RegistryTransport#resolve}
 * @param headers extra headers ({@code Accept}, {@code Content-Type}, {@code Range}...); never
 *     {@code Authorization}, which the transport owns
 * @param body sent with the request; it must be repeatable ({@code BodyPublishers.ofByteArray},
 *     {@code ofFile}) because it is sent again after an auth challenge, a redirect or a retry
 * @param scopes token scopes the request needs, e.g. {@code repository:library/busybox:pull} or
 *     {@code repository:me/app:pull,push}; empty for {@code /v2/} itself
 */
record Request(String method, URI uri, Map<String, String> headers, Optional<BodyPublisher> body, List<String> scopes) {

  Request {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
    scopes = List.copyOf(scopes);
    if (!uri.isAbsolute()) {
      throw new IllegalArgumentException("request URI must be absolute: " + Redaction.uri(uri));
    }
    for (String name : headers.keySet()) {
      if (name.equalsIgnoreCase("Authorization")) {
        throw new IllegalArgumentException("the transport sets Authorization itself");
      }
    }
  }

  static Request get(URI uri, Map<String, String> headers, List<String> scopes) {
    return new Request("GET", uri, headers, Optional.empty(), scopes);
  }

  static Request head(URI uri, Map<String, String> headers, List<String> scopes) {
    return new Request("HEAD", uri, headers, Optional.empty(), scopes);
  }

  /** This request, at another URI (redirects). */
  Request at(URI other) {
    return new Request(method, other, headers, body, scopes);
  }

  /** This request with one more header. */
  Request with(String name, String value) {
    Map<String, String> h = new java.util.HashMap<>(headers);
    h.put(name, value);
    return new Request(method, uri, h, body, scopes);
  }
}
