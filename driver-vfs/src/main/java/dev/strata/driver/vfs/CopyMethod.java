package dev.strata.driver.vfs;

import dev.strata.driver.posix.FileCopy;
import dev.strata.driver.posix.PosixException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How file content is copied into a child layer, best first; detected per home, never assumed. */
enum CopyMethod {
  REFLINK("reflink"),
  COPY_FILE_RANGE("copy_file_range"),
  READ_WRITE("read/write");

  private final String label;

  CopyMethod(String label) {
    this.label = label;
  }

  /** The name {@code status()} reports. */
  String label() {
    return label;
  }

  /**
   * Tries a reflink, then {@code copy_file_range}, on a probe file in {@code scratch} (a directory
   * on the same filesystem as the layers) and removes the probe files again.
   */
  static CopyMethod detect(Path scratch, FileCopy copy) throws IOException {
    Path src = scratch.resolve(".copy-probe-src");
    Path dst = scratch.resolve(".copy-probe-dst");
    byte[] probe = "strata vfs copy probe\n".getBytes(StandardCharsets.US_ASCII);
    try {
      Files.write(src, probe);
      if (works(() -> copy.reflink(src, dst), dst, probe)) {
        return REFLINK;
      }
      if (works(() -> copy.copyRange(src, dst, probe.length), dst, probe)) {
        return COPY_FILE_RANGE;
      }
      return READ_WRITE;
    } finally {
      Files.deleteIfExists(src);
      Files.deleteIfExists(dst);
    }
  }

  private interface Attempt {
    void run() throws PosixException;
  }

  private static boolean works(Attempt attempt, Path dst, byte[] expected) throws IOException {
    Files.deleteIfExists(dst);
    Files.createFile(dst);
    try {
      attempt.run();
    } catch (PosixException e) {
      return false; // this filesystem (or kernel) cannot; the next method is tried
    }
    return java.util.Arrays.equals(Files.readAllBytes(dst), expected);
  }
}
