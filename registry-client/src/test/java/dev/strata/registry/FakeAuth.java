package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fake registry's authentication: none, basic, or the Docker token flow. In bearer mode a
 * request without a valid token gets
 * {@code 401 WWW-Authenticate: Bearer realm="<url>/token",service="fake",scope="repository:NAME:pull"}
 * ({@code pull,push} for writes); {@code GET /token?service=fake&scope=...} checks the basic
 * credentials and returns {@code {"token":..,"access_token":..,"expires_in":60,"issued_at":..}}
 * granting the scopes asked for; the token must then come back as {@code Authorization: Bearer}.
 */
final class FakeAuth {

  enum Mode { NONE, BASIC, BEARER }

  static final String SERVICE = "fake";

  private final Mode mode;
  private final String username;
  private final String password;
  private final boolean anonymousPull;
  private final String realm;
  /** Token to the scopes it grants, e.g. {@code repository:library/busybox:pull}. */
  private final Map<String, Set<String>> tokens = new ConcurrentHashMap<>();

  FakeAuth(Mode mode, String username, String password, boolean anonymousPull, String realm) {
    this.mode = mode;
    this.username = username;
    this.password = password;
    this.anonymousPull = anonymousPull;
    this.realm = realm;
  }

  /**
   * True when the request may proceed; otherwise a 401 has been sent.
   *
   * @param repository empty for {@code /v2/}
   * @param action {@code pull} or {@code push}
   */
  boolean authorize(HttpExchange exchange, Optional<String> repository, String action) throws IOException {
    Optional<String> header = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
    switch (mode) {
      case NONE:
        return true;
      case BASIC:
        if (header.map(this::validBasic).orElse(false)) {
          return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake\"");
        break;
      default:
        if (header.filter(h -> h.startsWith("Bearer ")).map(h -> h.substring(7))
            .map(token -> grants(token, repository, action)).orElse(false)) {
          return true;
        }
        String actions = action.equals("push") ? "pull,push" : "pull";
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm
            + "\",service=\"" + SERVICE + "\""
            + repository.map(name -> ",scope=\"repository:" + name + ":" + actions + "\"").orElse(""));
        break;
    }
    Exchanges.error(exchange, 401, "UNAUTHORIZED", "authentication required");
    return false;
  }

  boolean servesTokens() {
    return mode == Mode.BEARER;
  }

  /** {@code GET /token}: 401 without valid basic credentials (unless anonymous pull is on). */
  void token(HttpExchange exchange) throws IOException {
    Optional<String> header = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
    boolean authenticated = header.map(this::validBasic).orElse(false);
    if (!authenticated && (header.isPresent() || !anonymousPull)) {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"fake-token\"");
      Exchanges.error(exchange, 401, "UNAUTHORIZED", "bad or missing credentials for the token service");
      return;
    }
    Set<String> granted = ConcurrentHashMap.newKeySet();
    for (String scope : scopes(exchange)) {
      int last = scope.lastIndexOf(':');
      if (last < 0) {
        continue;
      }
      for (String action : scope.substring(last + 1).split(",")) {
        // Anonymous callers get pull only, as on Docker Hub.
        if (authenticated || action.equals("pull")) {
          granted.add(scope.substring(0, last) + ":" + action);
        }
      }
    }
    String token = UUID.randomUUID().toString();
    tokens.put(token, granted);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    String json = "{\"token\":\"" + token + "\",\"access_token\":\"" + token
        + "\",\"expires_in\":60,\"issued_at\":\"" + Instant.now() + "\"}";
    Exchanges.send(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Forgets every token issued, so the next request with one gets a fresh challenge. */
  void revokeTokens() {
    tokens.clear();
  }

  private boolean grants(String token, Optional<String> repository, String action) {
    Set<String> scopes = tokens.get(token);
    if (scopes == null) {
      return false;
    }
    // /v2/ needs a valid token but no particular scope.
    return repository.map(name -> scopes.contains("repository:" + name + ":" + action)).orElse(true);
  }

  private boolean validBasic(String header) {
    if (!header.startsWith("Basic ")) {
      return false;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return decoded.equals(username + ":" + password);
  }

  private static List<String> scopes(HttpExchange exchange) {
    // scope may repeat, so the last-wins map of Exchanges.query does not do here.
    List<String> scopes = new ArrayList<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.startsWith("scope=")) {
          // Some clients put several scopes in one parameter, separated by spaces.
          scopes.addAll(List.of(java.net.URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).split(" ")));
        }
      }
    }
    return scopes;
  }
}
