package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryFdTest {

  @TempDir Path dir;

  @Test
  void openDirectory_subdirectory_opensItWithItsPath() throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    try (DirectoryFd root = DirectoryFd.open(dir); DirectoryFd sub = root.openDirectory("sub")) {
      assertEquals(dir.resolve("sub"), sub.path());
    }
  }

  @Test
  void openDirectory_symlinkToDirectory_throwsEnotdirInsteadOfFollowing() throws Exception {
    Path real = Files.createDirectory(dir.resolve("real"));
    Files.createSymbolicLink(dir.resolve("link"), real);
    try (DirectoryFd root = DirectoryFd.open(dir)) {
      PosixException e = assertThrows(PosixException.class, () -> root.openDirectory("link"));
      assertEquals(PosixException.ENOTDIR, e.errno());
    }
  }

  @Test
  void openDirectory_file_throwsEnotdir() throws Exception {
    Files.writeString(dir.resolve("f"), "x");
    try (DirectoryFd root = DirectoryFd.open(dir)) {
      PosixException e = assertThrows(PosixException.class, () -> root.openDirectory("f"));
      assertEquals(PosixException.ENOTDIR, e.errno());
    }
  }

  @Test
  void open_symlink_throwsEnotdirInsteadOfFollowing() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
    PosixException e = assertThrows(PosixException.class, () -> DirectoryFd.open(link));
    assertEquals(PosixException.ENOTDIR, e.errno());
  }

  @Test
  void close_twice_isHarmlessAndUseAfterCloseThrowsIllegalState() throws Exception {
    Files.createDirectory(dir.resolve("sub"));
    DirectoryFd root = DirectoryFd.open(dir);
    root.close();
    root.close();
    assertThrows(IllegalStateException.class, () -> root.openDirectory("sub"));
  }
}
