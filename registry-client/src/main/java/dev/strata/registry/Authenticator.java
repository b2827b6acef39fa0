package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Answers one registry's {@code 401} challenges. {@code Basic}: the stored credentials. {@code
 * Bearer}: a token from the challenge's realm for the request's scopes (plus the challenge's own),
 * asked with the stored credentials when there are any and anonymously otherwise, cached until it
 * expires. After the first challenge the matching {@code Authorization} is sent up front, so a pull
 * costs one 401, not one per request.
 *
 * <p>Credentials go only to the registry and to the realm it names, and never over plain HTTP
 * unless the registry is configured insecure.
 */
final class Authenticator {

  private static final long MAX_TOKEN_ANSWER = 1 << 20;

  private final String registry;
  private final Optional<Credentials> credentials;
  private final boolean insecure;
  private final HttpClient http;
  private final TokenCache tokens;
  private volatile Optional<AuthChallenge> lastChallenge = Optional.empty();

  Authenticator(String registry, Optional<Credentials> credentials, boolean insecure, HttpClient http, TokenCache tokens) {
    this.registry = registry;
    this.credentials = credentials;
    this.insecure = insecure;
    this.http = http;
    this.tokens = tokens;
  }

  /** The {@code Authorization} to send before any challenge, from what this registry asked before. */
  Optional<String> upFront(List<String> scopes) {
    Optional<AuthChallenge> c = lastChallenge;
    if (c.isEmpty()) {
      return Optional.empty();
    }
    if (c.get().isBasic()) {
      return credentials.map(cr -> "Basic " + cr.basic());
    }
    return tokens.get(key(c.get(), scopes)).map(t -> "Bearer " + t);
  }

  /**
   * The {@code Authorization} answering a 401 with these {@code WWW-Authenticate} values; empty when
   * there is nothing to answer with (no challenge, or Basic without credentials).
   *
   * @throws FailedPreconditionException if the token server refuses the credentials
   */
  Optional<String> answer(List<String> wwwAuthenticate, List<String> scopes) throws IOException {
    Optional<AuthChallenge> preferred = AuthChallenge.preferred(wwwAuthenticate);
    if (preferred.isEmpty()) {
      return Optional.empty();
    }
    AuthChallenge c = preferred.get();
    lastChallenge = preferred;
    if (c.isBasic()) {
      return credentials.map(cr -> "Basic " + cr.basic());
    }
    String key = key(c, scopes);
    // A 401 despite a cached token means it was revoked or expired early: get a fresh one.
    tokens.invalidate(key);
    TokenAnswer token = fetchToken(c, allScopes(c, scopes));
    tokens.put(key, token.token(), token.lifetime());
    return Optional.of("Bearer " + token.token());
  }

  private record TokenAnswer(String token, Duration lifetime) {}

  private TokenAnswer fetchToken(AuthChallenge c, List<String> scopes) throws IOException {
    String realmText = c.param("realm").orElseThrow(() -> new FailedPreconditionException(registry,
        registry + " asked for a bearer token without naming a realm to get it from"));
    URI realm;
    try {
      realm = URI.create(realmText);
    } catch (IllegalArgumentException e) {
      throw new FailedPreconditionException(registry, registry + " named a token realm that is not a URI", e);
    }
    if (!"https".equals(realm.getScheme()) && !("http".equals(realm.getScheme()) && insecure)) {
      throw new FailedPreconditionException(registry, registry + " names token realm " + Redaction.uri(realm)
          + "; tokens are fetched over HTTPS only unless the registry is configured insecure");
    }
    StringBuilder query = new StringBuilder();
    c.param("service").ifPresent(s -> append(query, "service", s));
    for (String scope : scopes) {
      append(query, "scope", scope);
    }
    URI uri = URI.create(realmText + (query.length() == 0 ? "" : (realmText.contains("?") ? "&" : "?") + query));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("Accept", "application/json");
    credentials.ifPresent(cr -> b.header("Authorization", "Basic " + cr.basic()));
    HttpResponse<InputStream> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while getting a token from " + Redaction.uri(realm));
    }
    try (InputStream body = r.body()) {
      int status = r.statusCode();
      if (status == 401 || status == 403) {
        throw new FailedPreconditionException(registry, "unauthorized: the token server of " + registry
            + " refused " + (credentials.isPresent() ? "the stored credentials" : "an anonymous request")
            + " (HTTP " + status + "); check `strata login " + registry + "`");
      }
      if (RetryPolicy.retryable(status)) {
        // A plain IOException: the transport's retry loop tries again.
        throw new IOException("token server " + Redaction.uri(realm) + " answered HTTP " + status);
      }
      if (status != 200) {
        throw new FailedPreconditionException(registry, "the token server of " + registry + " answered HTTP "
            + status + " at " + Redaction.uri(realm));
      }
      byte[] bytes = body.readNBytes((int) MAX_TOKEN_ANSWER + 1);
      if (bytes.length > MAX_TOKEN_ANSWER) {
        throw new CorruptException(registry, "token answer from " + Redaction.uri(realm) + " is too large");
      }
      JsonNode json = Json.parse(bytes, "token answer from " + Redaction.uri(realm));
      Optional<String> token = Json.text(json, "token").filter(t -> !t.isEmpty())
          .or(() -> Json.text(json, "access_token").filter(t -> !t.isEmpty()));
      if (token.isEmpty()) {
        throw new CorruptException(registry, "token answer from " + Redaction.uri(realm)
            + " has neither 'token' nor 'access_token'");
      }
      JsonNode expires = json.get("expires_in");
      Duration lifetime = expires != null && expires.canConvertToLong() && expires.asLong() > 0
          ? Duration.ofSeconds(expires.asLong()) : TokenCache.DEFAULT_LIFETIME;
      return new TokenAnswer(token.get(), lifetime);
    }
  }

  private static List<String> allScopes(AuthChallenge c, List<String> scopes) {
    TreeSet<String> all = new TreeSet<>(scopes);
    c.param("scope").ifPresent(s -> {
      for (String part : s.split(" ")) {
        if (!part.isBlank()) {
          all.add(part);
        }
      }
    });
    return new ArrayList<>(all);
  }

  private static String key(AuthChallenge c, List<String> scopes) {
    return c.param("realm").orElse("") + " " + c.param("service").orElse("") + " " + new TreeSet<>(scopes);
  }

  private static void append(StringBuilder query, String name, String value) {
    if (query.length() > 0) {
      query.append('&');
    }
    query.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }
}
