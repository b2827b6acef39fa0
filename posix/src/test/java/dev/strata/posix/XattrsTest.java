package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrsTest {

  private final Xattrs xattrs = new Xattrs();

  @TempDir Path dir;

  @Test
  void set_binaryValue_readsBackByteExact() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    byte[] value = {0, 1, 2, (byte) 0xff, (byte) 0x80, 0, 42};
    xattrs.set(f, "user.blob", value);
    assertArrayEquals(value, xattrs.get(f, "user.blob").orElseThrow());
    assertEquals(List.of("user.blob"), xattrs.list(f));
  }

  @Test
  void get_largeValue_growsBuffer() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    byte[] value = new byte[3000];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    xattrs.set(f, "user.big", value);
    assertArrayEquals(value, xattrs.get(f, "user.big").orElseThrow());
  }

  @Test
  void get_absent_isEmpty() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    assertEquals(Optional.empty(), xattrs.get(f, "user.none"));
    xattrs.remove(f, "user.none");
  }

  @Test
  void remove_present_removes() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    xattrs.set(f, "user.a", "1".getBytes(StandardCharsets.UTF_8));
    xattrs.remove(f, "user.a");
    assertEquals(List.of(), xattrs.list(f));
  }

  @Test
  void create_existing_throwsEexist() throws Exception {
    Path f = Files.writeString(dir.resolve("f"), "x");
    xattrs.create(f, "user.a", new byte[] {1});
    PosixException e = assertThrows(PosixException.class, () -> xattrs.create(f, "user.a", new byte[] {2}));
    assertEquals(PosixException.EEXIST, e.errno());
  }

  @Test
  void set_trustedAndSecurityOnSymlink_doesNotTouchTarget() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "trusted.* and security.* on symlinks need root");
    Path target = Files.writeString(dir.resolve("target"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    xattrs.set(link, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
    xattrs.set(link, "security.selinux", "system_u:object_r:container_file_t:s0\0".getBytes(StandardCharsets.UTF_8));
    assertTrue(xattrs.list(link).containsAll(List.of("trusted.overlay.opaque", "security.selinux")));
    assertEquals(Optional.empty(), xattrs.get(target, "trusted.overlay.opaque"));
  }
}
