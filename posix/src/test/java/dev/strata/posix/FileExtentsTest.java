package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIEMAP on the temp dir's filesystem. Shared extents need a filesystem with reflinks: they are
 * tested where copies are made, in the file-tree module's reflink tests on loop xfs and btrfs.
 */
class FileExtentsTest {

  private final FileExtents extents = new FileExtents();

  @TempDir Path dir;

  @BeforeEach
  void fiemapHere() throws Exception {
    Path probe = Files.write(dir.resolve("probe"), new byte[1]);
    try {
      extents.of(probe);
    } catch (PosixException e) {
      Assumptions.assumeTrue(e.errno() != PosixException.EOPNOTSUPP, "no FIEMAP on " + Files.getFileStore(dir).type());
      throw e;
    }
  }

  @Test
  void of_denseFile_extentsCoverItWithoutGapsAndShareNothing() throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(1).nextBytes(data);
    Path f = Files.write(dir.resolve("dense"), data);

    List<FileExtents.Extent> found = extents.of(f);

    long next = 0;
    for (FileExtents.Extent e : found) {
      assertEquals(next, e.logical(), "a gap before " + e);
      assertFalse(e.shared(), e.toString());
      next = e.logical() + e.length();
    }
    assertTrue(next >= data.length, "the extents end at " + next + ", before the file's end");
  }

  @Test
  void of_dataOnlyAfterAHole_firstExtentStartsThere() throws Exception {
    Path f = dir.resolve("sparse");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.seek(8 << 20);
      raf.write(new byte[4096]);
      raf.write(1);
    }

    List<FileExtents.Extent> found = extents.of(f);

    assertFalse(found.isEmpty());
    assertEquals(8 << 20, found.get(0).logical());
  }

  @Test
  void of_emptyFile_hasNoExtent() throws Exception {
    assertEquals(List.of(), extents.of(Files.createFile(dir.resolve("empty"))));
  }

  @Test
  void of_moreExtentsThanOneCallAsksFor_allReturnedInOrder() throws Exception {
    Path f = dir.resolve("striped");
    int stripes = 150; // over two batches of 64, one block of data per stripe, holes between
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      for (int i = 0; i < stripes; i++) {
        raf.seek((long) i * (1 << 20));
        raf.write(new byte[] {1});
      }
    }

    List<FileExtents.Extent> found = extents.of(f);

    assertEquals(stripes, found.size());
    for (int i = 0; i < stripes; i++) {
      assertEquals((long) i << 20, found.get(i).logical());
    }
  }

  @Test
  void of_missingFile_throwsWithEnoent() {
    var e = assertThrows(PosixException.class, () -> extents.of(dir.resolve("missing")));

    assertEquals(PosixException.ENOENT, e.errno());
  }
}
