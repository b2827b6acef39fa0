package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parse_dockerHubBearer_readsAllParams() {
    List<AuthChallenge> c = AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
        + "scope=\"repository:library/busybox:pull\"");
    assertEquals(List.of(new AuthChallenge("bearer", Map.of("realm", "https://auth.docker.io/token",
        "service", "registry.docker.io", "scope", "repository:library/busybox:pull"))), c);
  }

  @Test
  void parse_basic_readsRealm() {
    AuthChallenge c = AuthChallenge.parse("Basic realm=\"Registry Realm\"").get(0);
    assertTrue(c.isBasic());
    assertEquals(Optional.of("Registry Realm"), c.param("realm"));
  }

  @Test
  void parse_commaInsideQuotes_staysInValue() {
    AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://a/token\", scope=\"repository:a:pull,push\"").get(0);
    assertEquals(Optional.of("repository:a:pull,push"), c.param("scope"));
  }

  @Test
  void parse_unquotedValuesAndCaseInsensitiveNames_areAccepted() {
    AuthChallenge c = AuthChallenge.parse("bearer Realm=https://a/token , Service=reg").get(0);
    assertTrue(c.isBearer());
    assertEquals(Optional.of("https://a/token"), c.param("realm"));
    assertEquals(Optional.of("reg"), c.param("service"));
  }

  @Test
  void parse_escapedQuote_isUnescaped() {
    assertEquals(Optional.of("a\"b"), AuthChallenge.parse("Basic realm=\"a\\\"b\"").get(0).param("realm"));
  }

  @Test
  void parse_twoChallengesInOneHeader_areBothRead() {
    List<AuthChallenge> c = AuthChallenge.parse("Basic realm=\"x\", Bearer realm=\"https://a/t\",service=\"s\"");
    assertEquals(2, c.size());
    assertEquals("basic", c.get(0).scheme());
    assertEquals(Optional.of("s"), c.get(1).param("service"));
  }

  @Test
  void parse_garbage_neverLoops() {
    assertEquals(List.of(), AuthChallenge.parse(""));
    assertEquals(1, AuthChallenge.parse("Bearer =\"x\" ==").size());
    assertEquals(List.of(), AuthChallenge.parse("\"unterminated"));
  }

  @Test
  void preferred_bearerOverBasic() {
    assertTrue(AuthChallenge.preferred(List.of("Basic realm=x", "Bearer realm=\"https://a\"")).orElseThrow().isBearer());
    assertEquals(Optional.empty(), AuthChallenge.preferred(List.of("Negotiate")));
  }
}
