package dev.strata.console;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The per-session token against cross-site requests. A page load gives the browser a session
 * cookie holding a token this server signed; the pages send it back in the {@value #HEADER}
 * header on every POST and DELETE. Another site can make the browser send the cookie, but cannot
 * read it to set the header, so an action without both, or with two that differ, is refused.
 * The key lives as long as the server, so a restart ends every session.
 */
final class Csrf {

  static final String COOKIE = "strata_token";
  static final String HEADER = "X-Strata-Token";

  private final SecureRandom random = new SecureRandom();
  private final SecretKeySpec key;

  Csrf() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    key = new SecretKeySpec(secret, "HmacSHA256");
  }

  /** Gives the browser a token unless it holds a valid one already. */
  void issue(Request request, Response response) {
    if (cookie(request).filter(this::valid).isPresent()) {
      return;
    }
    byte[] nonce = new byte[24];
    random.nextBytes(nonce);
    String n = Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
    Response.addCookie(response, HttpCookie.build(COOKIE, n + "." + sign(n))
        .path("/").sameSite(HttpCookie.SameSite.STRICT).build());
  }

  /** Refuses an action whose cookie and header do not carry the same valid token. */
  void verify(Request request) throws ApiException {
    Optional<String> cookie = cookie(request);
    String header = request.getHeaders().get(HEADER);
    if (cookie.isEmpty()) {
      throw new ApiException(403, "no session token: the " + COOKIE + " cookie is missing; load a console page first");
    }
    if (header == null) {
      throw new ApiException(403, "missing the " + HEADER + " header: actions must come from the console's pages");
    }
    if (!valid(cookie.get())) {
      throw new ApiException(403, "the session token is not one this console issued (it was restarted?); reload the page");
    }
    if (!MessageDigest.isEqual(cookie.get().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(403, "the " + HEADER + " header does not match the session token; reload the page");
    }
  }

  private static Optional<String> cookie(Request request) {
    List<HttpCookie> cookies = Request.getCookies(request);
    return cookies.stream().filter(c -> COOKIE.equals(c.getName())).map(HttpCookie::getValue).findFirst();
  }

  private boolean valid(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    byte[] expected = sign(token.substring(0, dot)).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
  }

  private String sign(String nonce) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(nonce.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is in every JDK; its absence is a broken runtime.
      throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
    }
  }
}
