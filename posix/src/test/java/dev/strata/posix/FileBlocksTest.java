package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlocksTest {

  private final FileBlocks blocks = new FileBlocks();

  @TempDir Path dir;

  @Test
  void allocatedBytes_denseFile_atLeastItsSize() throws Exception {
    Path f = Files.write(dir.resolve("dense"), new byte[100_000]);

    assertTrue(blocks.allocatedBytes(f) >= 100_000, "allocated " + blocks.allocatedBytes(f));
  }

  @Test
  void allocatedBytes_holeOnlyFile_isZero() throws Exception {
    Path f = dir.resolve("hole");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(1L << 30);
    }

    assertEquals(0, blocks.allocatedBytes(f));
  }

  @Test
  void allocatedBytes_missingPath_throwsWithEnoent() {
    var e = assertThrows(PosixException.class, () -> blocks.allocatedBytes(dir.resolve("missing")));

    assertEquals(PosixException.ENOENT, e.errno());
  }
}
