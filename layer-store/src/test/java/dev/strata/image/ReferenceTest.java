package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {

  @ParameterizedTest
  @CsvSource({
      "busybox, busybox:latest, docker.io/library/busybox:latest",
      "busybox:1.36, busybox:1.36, docker.io/library/busybox:1.36",
      "library/busybox, busybox:latest, docker.io/library/busybox:latest",
      "docker.io/library/busybox:musl, busybox:musl, docker.io/library/busybox:musl",
      "index.docker.io/library/busybox, busybox:latest, docker.io/library/busybox:latest",
      "docker.io/foo/bar:v1, foo/bar:v1, docker.io/foo/bar:v1",
      "quay.io/org/app, quay.io/org/app:latest, quay.io/org/app:latest",
      "localhost:5000/app:dev, localhost:5000/app:dev, localhost:5000/app:dev",
      "localhost/app, localhost/app:latest, localhost/app:latest",
      "my-app_x.y__z:V1.0-rc_2, my-app_x.y__z:V1.0-rc_2, docker.io/library/my-app_x.y__z:V1.0-rc_2",
  })
  void parse_validReference_normalizesLikeDocker(String input, String familiar, String full) throws Exception {
    Reference ref = Reference.parse(input);
    assertEquals(familiar, ref.toString());
    assertEquals(full, ref.fullName());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Busybox", "busybox:", ":latest", "bus box", "busybox:-x", "-busybox", "busybox/",
      "a//b", "busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "busybox:tag/with/slash",
      "host:port:x/app"})
  void parse_invalidReference_throwsInvalidArgumentQuotingTheRule(String input) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Reference.parse(input));
    assertTrue(e.getMessage().contains("'" + input + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("Docker's rule"), e.getMessage());
  }

  @Test
  void parse_uppercaseRepository_saysItMustBeLowercase() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Reference.parse("foo/Bar"));
    assertTrue(e.getMessage().contains("must be lowercase"), e.getMessage());
  }

  @Test
  void parse_tooLongName_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> Reference.parse("a".repeat(256)));
  }

  @Test
  void constructor_nonFamiliarForm_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> new Reference("docker.io/library/busybox", "latest"));
    assertThrows(IllegalArgumentException.class, () -> new Reference("busybox", "bad tag"));
    assertEquals("busybox:latest", new Reference("busybox", "latest").toString());
  }
}
