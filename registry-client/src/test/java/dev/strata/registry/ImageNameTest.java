package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.Digest;
import dev.strata.driver.error.InvalidArgumentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImageNameTest {

  private static final String HEX = "a".repeat(64);

  @Test
  void parse_bareName_isDockerHubLibraryLatest() throws Exception {
    ImageName n = ImageName.parse("busybox");
    assertEquals(new ImageName("docker.io", "library/busybox", Optional.of("latest"), Optional.empty()), n);
    assertEquals("registry-1.docker.io", n.endpoint());
    assertEquals("latest", n.reference());
    assertEquals("busybox:latest", n.localTag().orElseThrow().toString());
  }

  @Test
  void parse_userRepo_staysOnDockerHub() throws Exception {
    ImageName n = ImageName.parse("someuser/app:1.0");
    assertEquals("docker.io", n.registry());
    assertEquals("someuser/app", n.repository());
    assertEquals(Optional.of("1.0"), n.tag());
  }

  @Test
  void parse_hostWithPort_isRegistry() throws Exception {
    ImageName n = ImageName.parse("localhost:5000/team/app:v2");
    assertEquals("localhost:5000", n.registry());
    assertEquals("localhost:5000", n.endpoint());
    assertEquals("team/app", n.repository());
    assertEquals("v2", n.reference());
  }

  @Test
  void parse_localhostAndDottedHost_areRegistries() throws Exception {
    assertEquals("localhost", ImageName.parse("localhost/app").registry());
    assertEquals("quay.io", ImageName.parse("quay.io/org/app").registry());
    assertEquals("org/app", ImageName.parse("quay.io/org/app").repository());
  }

  @Test
  void parse_digest_fetchesByDigestWithoutTag() throws Exception {
    ImageName n = ImageName.parse("quay.io/org/app@sha256:" + HEX);
    assertEquals(Optional.empty(), n.tag());
    assertEquals(Optional.of(new Digest("sha256", HEX)), n.digest());
    assertEquals("sha256:" + HEX, n.reference());
    assertEquals(Optional.empty(), n.localTag());
  }

  @Test
  void parse_tagAndDigest_fetchesByDigestAndKeepsTag() throws Exception {
    ImageName n = ImageName.parse("busybox:1.36@sha256:" + HEX);
    assertEquals("sha256:" + HEX, n.reference());
    assertEquals("busybox:1.36", n.localTag().orElseThrow().toString());
  }

  @Test
  void parse_dockerIoLibraryPrefix_isNormalised() throws Exception {
    assertEquals(ImageName.parse("busybox"), ImageName.parse("docker.io/library/busybox:latest"));
  }

  @Test
  void parse_invalid_throwsInvalidArgument() {
    for (String bad : new String[] {"", "UPPER/case", "a:b:c", "busybox@sha256:xyz", "busybox@md5:" + HEX, "a//b", ":tag"}) {
      assertThrows(InvalidArgumentException.class, () -> ImageName.parse(bad), bad);
    }
  }

  @Test
  void toString_isFullyQualified() throws Exception {
    assertEquals("docker.io/library/busybox:1.36", ImageName.parse("busybox:1.36").toString());
  }
}
