package dev.strata.files;

import dev.strata.posix.FileCopy;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.Arrays;

/**
 * How {@link TreeCopy} copies file content, best first. Detected per filesystem, never assumed: the
 * same kernel reflinks on xfs and btrfs, offloads with {@code copy_file_range} on ext4, and may do
 * neither on an overlay or a network filesystem.
 */
public enum CopyMethod {
  /** {@code FICLONE}: the copy shares extents with the source until either is written. */
  REFLINK("reflink"),
  /** {@code copy_file_range(2)}: no bytes pass through user space. */
  COPY_FILE_RANGE("copy_file_range"),
  /** Plain reads and writes, skipping blocks of zeros. Works everywhere. */
  READ_WRITE("read/write");

  private final String label;

  CopyMethod(String label) {
    this.label = label;
  }

  /** The name a driver's {@code status()} reports. */
  public String label() {
    return label;
  }

  /**
   * Tries a reflink, then {@code copy_file_range}, on a probe file in {@code scratch} (a directory
   * on the filesystem the copies will be made on) and removes the probe files again.
   *
   * @throws IOException when {@code scratch} cannot hold the probe files
   */
  public static CopyMethod detect(Path scratch) throws IOException {
    return detect(scratch, new FileCopy());
  }

  static CopyMethod detect(Path scratch, FileCopy copy) throws IOException {
    // Unique names: another process may be probing the same directory at the same moment.
    String probeName = ".copy-probe-" + UUID.randomUUID();
    Path src = scratch.resolve(probeName + "-src");
    Path dst = scratch.resolve(probeName + "-dst");
    byte[] probe = "strata copy probe\n".getBytes(StandardCharsets.US_ASCII);
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
    return Arrays.equals(Files.readAllBytes(dst), expected);
  }
}
