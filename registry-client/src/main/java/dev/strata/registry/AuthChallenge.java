package dev.strata.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"}.
 * Parameter names are case-insensitive and kept lowercase; values may be quoted, with commas and
 * {@code \"} escapes inside the quotes.
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  /**
   * Parses every challenge of one header value; unparseable trailing text is dropped rather than
   * failing, since the caller can still use the challenges read before it.
   */
  static List<AuthChallenge> parse(String header) {
    List<AuthChallenge> out = new ArrayList<>();
    Scanner s = new Scanner(header);
    while (true) {
      s.skip(" \t,");
      String scheme = s.token();
      if (scheme.isEmpty()) {
        break;
      }
      Map<String, String> params = new LinkedHashMap<>();
      while (true) {
        s.skip(" \t,");
        int mark = s.pos;
        String name = s.token();
        s.skip(" \t");
        if (name.isEmpty() || !s.take('=')) {
          // A token not followed by '=' starts the next challenge (or is a token68, which no registry uses).
          s.pos = mark;
          break;
        }
        s.skip(" \t");
        params.put(name.toLowerCase(Locale.ROOT), s.peek() == '"' ? s.quoted() : s.token());
      }
      // Each round consumes a non-empty scheme, and a stray '=' or '"' yields an empty one: this ends.
      out.add(new AuthChallenge(scheme, params));
    }
    return out;
  }

  /** Picks the challenge to answer: Bearer over Basic; empty when neither is offered. */
  static Optional<AuthChallenge> preferred(List<String> headers) {
    Optional<AuthChallenge> basic = Optional.empty();
    for (String h : headers) {
      for (AuthChallenge c : parse(h)) {
        if (c.isBearer()) {
          return Optional.of(c);
        }
        if (c.isBasic() && basic.isEmpty()) {
          basic = Optional.of(c);
        }
      }
    }
    return basic;
  }

  private static final class Scanner {
    final String text;
    int pos;

    Scanner(String text) {
      this.text = text;
    }

    char peek() {
      return pos < text.length() ? text.charAt(pos) : 0;
    }

    void skip(String chars) {
      while (pos < text.length() && chars.indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    boolean take(char c) {
      if (peek() == c) {
        pos++;
        return true;
      }
      return false;
    }

    String token() {
      int start = pos;
      while (pos < text.length() && " \t,=\"".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      return text.substring(start, pos);
    }

    String quoted() {
      pos++;
      StringBuilder b = new StringBuilder();
      while (pos < text.length() && text.charAt(pos) != '"') {
        char c = text.charAt(pos++);
        if (c == '\\' && pos < text.length()) {
          c = text.charAt(pos++);
        }
        b.append(c);
      }
      pos = Math.min(pos + 1, text.length());
      return b.toString();
    }
  }
}
