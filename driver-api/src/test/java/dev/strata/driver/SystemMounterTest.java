package dev.strata.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemMounterTest {

  private final Mounter mounter = Mounter.system();

  @TempDir Path dir;
  private Path source;
  private Path target;

  @BeforeEach
  void setUp() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "mount(2) needs CAP_SYS_ADMIN");
    source = Files.createDirectory(dir.resolve("source"));
    target = Files.createDirectory(dir.resolve("target"));
    Files.writeString(source.resolve("file"), "hello");
  }

  @AfterEach
  void tearDown() throws IOException {
    while (isMounted(target)) {
      mounter.unmount(target);
    }
  }

  static boolean isMounted(Path path) throws IOException {
    if (path == null) {
      return false;
    }
    String p = path.toRealPath().toString();
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4])
        .anyMatch(p::equals);
  }

  @Test
  void mount_bind_showsSourceAndUnmountRemovesIt() throws IOException {
    mounter.mount(new Mount("bind", source.toString(), target, List.of("bind")));
    assertTrue(isMounted(target));
    assertEquals("hello", Files.readString(target.resolve("file")));

    mounter.unmount(target);
    assertFalse(isMounted(target));
    assertFalse(Files.exists(target.resolve("file")));
  }

  @Test
  void mount_readOnlyBind_rejectsWritesEvenForRoot() throws IOException {
    mounter.mount(new Mount("bind", source.toString(), target, List.of("bind", "ro")));
    FileSystemException e = assertThrows(FileSystemException.class,
        () -> Files.writeString(target.resolve("new"), "x"));
    assertTrue(e.getMessage().contains("Read-only"), e.getMessage());
  }

  @Test
  void mount_tmpfsWithData_passesOptionsToKernel() throws IOException {
    mounter.mount(new Mount("tmpfs", "tmpfs", target, List.of("nodev", "size=1m", "mode=0710")));
    assertEquals(0710, (int) Files.getAttribute(target, "unix:mode") & 07777);
    String line = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .filter(l -> l.split(" ")[4].equals(target.toString())).findFirst().orElseThrow();
    assertTrue(line.contains("nodev"), line);
    assertTrue(line.contains("size=1024k"), line);
  }

  @Test
  void mount_unknownFilesystem_failsNamingTheMount() {
    IOException e = assertThrows(IOException.class,
        () -> mounter.mount(new Mount("nosuchfs", "none", target, List.of())));
    assertTrue(e.getMessage().contains("nosuchfs"), e.getMessage());
    assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
  }

  @Test
  void unmount_notMounted_fails() {
    assertThrows(IOException.class, () -> mounter.unmount(target));
  }
}
