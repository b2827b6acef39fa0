package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCopyTest {

  private final FileCopy copy = new FileCopy();

  @TempDir Path dir;

  @Test
  void copyRange_fileLargerThanBuffer_copiesExactBytes() throws Exception {
    byte[] content = new byte[3 * 1024 * 1024 + 17];
    new Random(1).nextBytes(content);
    Path src = Files.write(dir.resolve("src"), content);
    Path dst = Files.createFile(dir.resolve("dst"));
    copy.copyRange(src, dst, content.length);
    assertArrayEquals(content, Files.readAllBytes(dst));
  }

  @Test
  void copyRange_sparseSource_keepsLengthAndData() throws Exception {
    Path src = dir.resolve("sparse");
    try (RandomAccessFile f = new RandomAccessFile(src.toFile(), "rw")) {
      f.setLength(64L << 20);
      f.seek(32L << 20);
      f.write(new byte[] {1, 2, 3});
    }
    Path dst = Files.createFile(dir.resolve("dst"));
    copy.copyRange(src, dst, Files.size(src));
    assertEquals(64L << 20, Files.size(dst));
    try (RandomAccessFile f = new RandomAccessFile(dst.toFile(), "r")) {
      f.seek(32L << 20);
      assertEquals(1, f.read());
    }
  }

  @Test
  void reflink_onFilesystemWithoutReflink_throwsNotSupportedErrno() throws Exception {
    Path src = Files.writeString(dir.resolve("src"), "data");
    Path dst = Files.createFile(dir.resolve("dst"));
    String fs = Files.getFileStore(dir).type();
    if (Set.of("btrfs", "xfs").contains(fs)) {
      copy.reflink(src, dst);
      assertEquals("data", Files.readString(dst));
      return;
    }
    PosixException e = assertThrows(PosixException.class, () -> copy.reflink(src, dst));
    assertTrue(Set.of(PosixException.EOPNOTSUPP, PosixException.EXDEV, PosixException.EINVAL).contains(e.errno()),
        e.getMessage());
  }

  @Test
  void reflink_symlinkSource_refusesToFollow() throws Exception {
    Path real = Files.writeString(dir.resolve("real"), "data");
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    Path dst = Files.createFile(dir.resolve("dst"));
    PosixException e = assertThrows(PosixException.class, () -> copy.copyRange(link, dst, 4));
    assertEquals(40 /* ELOOP */, e.errno());
  }
}
