package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.FileBlocks;
import dev.strata.posix.FileExtents;
import dev.strata.posix.FileExtents.Extent;
import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CopyMethod#REFLINK} where it really reflinks, xfs ({@code mkfs.xfs} makes {@code reflink=1}
 * by default) and btrfs, each on a loop filesystem of its own: a copy must share every extent of
 * its source, seen through FIEMAP, not merely hold the same bytes, which a silent fallback to
 * copying would too. And on ext4, which cannot reflink, the fallback itself. The other methods
 * are tested wherever the temp dir is, in {@link TreeCopyTest}. Needs root (loop devices, mount).
 */
class TreeCopyReflinkTest {

  private static final int SIZE = 16 << 20;

  private final FileExtents extents = new FileExtents();

  private static LoopFilesystem reflinking(String type) throws IOException {
    return type.equals("xfs") ? LoopFilesystem.xfs(false) : LoopFilesystem.btrfs();
  }

  private static byte[] random(int size) {
    byte[] data = new byte[size];
    new Random(11).nextBytes(data);
    return data;
  }

  @ParameterizedTest
  @ValueSource(strings = {"xfs", "btrfs"})
  void copy_reflink_sharesEveryExtentOfTheSource(String type) throws IOException {
    try (LoopFilesystem fs = reflinking(type)) {
      Path copy = copyBigFileByReflink(fs);

      List<Extent> copied = extents.of(copy);
      assertFalse(copied.isEmpty());
      assertTrue(copied.stream().allMatch(Extent::shared), type + ": extents not shared: " + copied);
      assertEquals(physical(extents.of(fs.root().resolve("src/big"))), physical(copied),
          type + ": the copy's blocks are its own");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"xfs", "btrfs"})
  void copy_reflinkOfSparseFile_sharesTheDataAndKeepsTheHoles(String type) throws IOException {
    try (LoopFilesystem fs = reflinking(type)) {
      Path src = Files.createDirectory(fs.root().resolve("src"));
      try (RandomAccessFile f = new RandomAccessFile(src.resolve("sparse").toFile(), "rw")) {
        f.seek(32 << 20);
        f.write(random(1 << 20));
        f.setLength(64 << 20);
      }

      TreeCopy.using(CopyMethod.REFLINK).copy(src, fs.root().resolve("dst"));

      Path copy = fs.root().resolve("dst/sparse");
      assertEquals(-1L, Files.mismatch(src.resolve("sparse"), copy));
      assertEquals(64 << 20, Files.size(copy));
      List<Extent> copied = extents.of(copy);
      assertTrue(copied.stream().allMatch(Extent::shared), type + ": extents not shared: " + copied);
      assertEquals(32 << 20, copied.get(0).logical(), type + ": the leading hole was filled: " + copied);
      assertTrue(new FileBlocks().allocatedBytes(copy) <= 2 << 20, "allocated " + new FileBlocks().allocatedBytes(copy));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"xfs", "btrfs"})
  void detect_reflinkingFilesystem_isReflink(String type) throws IOException {
    try (LoopFilesystem fs = reflinking(type)) {
      assertEquals(CopyMethod.REFLINK, CopyMethod.detect(fs.root()), type);
    }
  }

  @Test
  void detect_ext4_isCopyFileRange() throws IOException {
    try (LoopFilesystem fs = LoopFilesystem.ext4(64L << 20)) {
      assertEquals(CopyMethod.COPY_FILE_RANGE, CopyMethod.detect(fs.root()));
    }
  }

  @Test
  void copy_reflinkPreferredOnExt4_fallsBackToACopyOfItsOwn() throws IOException {
    try (LoopFilesystem fs = LoopFilesystem.ext4(64L << 20)) {
      Path copy = copyBigFileByReflink(fs);

      List<Extent> copied = extents.of(copy);
      assertTrue(copied.stream().noneMatch(Extent::shared), "ext4 shares nothing: " + copied);
      assertTrue(new FileBlocks().allocatedBytes(copy) >= SIZE, "allocated " + new FileBlocks().allocatedBytes(copy));
    }
  }

  /** Copies {@code src/big}, {@value #SIZE} random bytes, to {@code dst/big} asking for a reflink; returns the copy. */
  private static Path copyBigFileByReflink(LoopFilesystem fs) throws IOException {
    Path src = Files.createDirectory(fs.root().resolve("src"));
    Files.write(src.resolve("big"), random(SIZE));

    TreeCopy.using(CopyMethod.REFLINK).copy(src, fs.root().resolve("dst"));

    Path copy = fs.root().resolve("dst/big");
    assertEquals(-1L, Files.mismatch(src.resolve("big"), copy), "the copy holds other bytes");
    return copy;
  }

  /** The device ranges a file's data occupies, merged where one extent ends where the next begins. */
  private static List<String> physical(List<Extent> list) {
    java.util.ArrayList<String> ranges = new java.util.ArrayList<>();
    long start = -1;
    long end = -1;
    for (Extent e : list) {
      if (e.physical() != end) {
        if (start >= 0) {
          ranges.add(start + "+" + (end - start));
        }
        start = e.physical();
      }
      end = e.physical() + e.length();
    }
    if (start >= 0) {
      ranges.add(start + "+" + (end - start));
    }
    return ranges;
  }
}
