package dev.strata.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", ".hidden", "a/b", "-x", "a b", "é"})
  void layerId_invalid_throwsQuotingValue(String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerId.of(value));
    assertTrue(e.getMessage().contains("'" + value + "'"), e.getMessage());
  }

  @Test
  void layerId_tooLong_throws() {
    assertThrows(IllegalArgumentException.class, () -> LayerId.of("a".repeat(129)));
    assertEquals("a".repeat(128), LayerId.of("a".repeat(128)).value());
  }

  @Test
  void mount_relativeTarget_throws() {
    assertThrows(IllegalArgumentException.class, () -> new Mount("bind", "/x", Path.of("rel"), List.of()));
  }

  @Test
  void mount_options_areCopied() {
    List<String> opts = new java.util.ArrayList<>(List.of("ro"));
    Mount m = new Mount("bind", "/x", Path.of("/y"), opts);
    opts.add("rw");
    assertEquals(List.of("ro"), m.options());
    assertTrue(m.readOnly());
  }

  @Test
  void digest_parse_roundTrips() {
    String text = "sha256:" + "ab".repeat(32);
    assertEquals(text, Digest.parse(text).toString());
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("md5:" + "ab".repeat(16)));
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:ABC"));
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("nocolon"));
  }

  @Test
  void change_printsLikeDockerDiff() {
    assertEquals("A /etc/motd", new Change("/etc/motd", Change.Kind.ADDED).toString());
    assertEquals("C /etc", new Change("/etc", Change.Kind.MODIFIED).toString());
    assertEquals("D /tmp/x", new Change("/tmp/x", Change.Kind.DELETED).toString());
    assertThrows(IllegalArgumentException.class, () -> new Change("etc", Change.Kind.ADDED));
    assertThrows(IllegalArgumentException.class, () -> new Change("/etc/", Change.Kind.ADDED));
  }

  @Test
  void usage_negative_throws() {
    assertThrows(IllegalArgumentException.class, () -> new Usage(-1, 0));
  }
}
