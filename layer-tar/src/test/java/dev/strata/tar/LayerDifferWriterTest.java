package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diff tar is written on a thread of its own (files opened there by name in directories the
 * walk hands over): a failure there reaches the caller as it is, and no descriptor stays open.
 */
class LayerDifferWriterTest {

  @TempDir Path tmp;

  /** Takes {@code limit} bytes, then fails every write. */
  private static final class FailingAfter extends OutputStream {
    private long left;

    FailingAfter(long limit) {
      left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw new IOException("disk full (test)");
      }
      left -= len;
    }
  }

  @Test
  void writeDiff_outputFailsMidway_throwsItsErrorAndClosesEveryDescriptor() throws Exception {
    Path upper = Files.createDirectories(tmp.resolve("upper"));
    for (int d = 0; d < 20; d++) {
      Path dir = Files.createDirectories(upper.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        Files.write(dir.resolve("f" + f), new byte[3000]);
      }
    }
    long before = openDescriptors();

    IOException e = assertThrows(IOException.class,
        () -> new LayerDiffer().writeDiff(Optional.empty(), upper, new FailingAfter(1 << 20)));

    assertEquals("disk full (test)", e.getMessage());
    assertEquals(before, openDescriptors());
  }

  @Test
  void writeDiff_manyDirectoriesAndFiles_sameBytesAsCountedAndTwice() throws Exception {
    Path upper = Files.createDirectories(tmp.resolve("upper"));
    for (int d = 0; d < 30; d++) {
      Path dir = Files.createDirectories(upper.resolve("d" + d).resolve("sub"));
      for (int f = 0; f < 80; f++) {
        Files.write(dir.resolve("f" + f), new byte[d * 100 + f]);
      }
    }
    long before = openDescriptors();

    byte[] first = DiffFixtures.diff(Optional.empty(), upper);
    byte[] second = DiffFixtures.diff(Optional.empty(), upper);

    assertArrayEquals(first, second);
    assertEquals(2400, DiffFixtures.entries(first).stream().filter(e -> e.getName().contains("/f")).count());
    assertEquals(before, openDescriptors());
  }

  private static long openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
