package dev.strata.conformance;

import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A scratch filesystem for one test class: a sparse image file, {@code mkfs}, a loop device and a
 * mount: btrfs for the btrfs driver, a small ext4 to fill up, xfs (with {@code prjquota} when asked and the kernel has xfs
 * quota support, {@code CONFIG_XFS_QUOTA}; without it xfs refuses the option with {@code EINVAL} and
 * the filesystem is mounted without it: see {@link #projectQuotas()}) for overlay2's quotas. Tools
 * are fine here, in test setup; drivers themselves only issue syscalls. {@link #close()} unmounts,
 * detaches the loop device and deletes the image, leaving nothing.
 */
public final class LoopFilesystem implements AutoCloseable {

  private static final long BTRFS_SIZE = 2L << 30;
  /** mkfs.xfs refuses filesystems below 300 MiB. */
  private static final long XFS_SIZE = 400L << 20;

  private final Path image;
  private final String loopDevice;
  private final Path mountPoint;
  private final boolean projectQuotas;

  private LoopFilesystem(Path image, String loopDevice, Path mountPoint, boolean projectQuotas) {
    this.image = image;
    this.loopDevice = loopDevice;
    this.mountPoint = mountPoint;
    this.projectQuotas = projectQuotas;
  }

  /** A 2 GiB btrfs. Skips the calling test class unless running as root (loop devices, mount). */
  public static LoopFilesystem btrfs() throws IOException {
    return create("btrfs", BTRFS_SIZE, false);
  }

  /**
   * A 400 MiB xfs, with project quotas when {@code wantProjectQuotas} and the kernel can. Skips the
   * calling test class unless running as root (loop devices, mount).
   */
  public static LoopFilesystem xfs(boolean wantProjectQuotas) throws IOException {
    return create("xfs", XFS_SIZE, wantProjectQuotas);
  }

  /**
   * A small ext4 of {@code size} bytes (at least a few MiB), for tests that fill a disk. Skips the
   * calling test unless running as root.
   */
  public static LoopFilesystem ext4(long size) throws IOException {
    return create("ext4", size, false);
  }

  /**
   * A {@code type} filesystem ({@code btrfs}, {@code xfs} or {@code ext4}) of {@code size} bytes,
   * for benchmarks that need more room than the suites' defaults. Needs root.
   */
  public static LoopFilesystem of(String type, long size) throws IOException {
    return create(type, size, false);
  }

  private static LoopFilesystem create(String type, long size, boolean wantProjectQuotas) throws IOException {
    Assumptions.assumeTrue(new dev.strata.posix.FileNodes().isRoot(),
        "needs root: loop device and mount(2)");
    Path image = Files.createTempFile("strata-" + type + "-", ".img");
    String loop = null;
    Path mountPoint = null;
    try {
      try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), size - 1);
      }
      // mkfs.ext4 forces with -F; xfs and btrfs with -f.
      run("mkfs." + type, "-q", type.equals("ext4") ? "-F" : "-f", image.toString());
      loop = run("losetup", "-f", "--show", image.toString()).trim();
      mountPoint = Files.createTempDirectory("strata-" + type + "-mnt-");
      boolean quotas = false;
      if (wantProjectQuotas) {
        try {
          new MountCalls().mount(loop, mountPoint, type, 0, "prjquota");
          quotas = true;
        } catch (PosixException e) {
          if (e.errno() != PosixException.EINVAL) {
            throw e;
          }
        }
      }
      if (!quotas) {
        new MountCalls().mount(loop, mountPoint, type, 0, null);
      }
      return new LoopFilesystem(image, loop, mountPoint, quotas);
    } catch (IOException | RuntimeException e) {
      if (loop != null) {
        tryRun(e, "losetup", "-d", loop);
      }
      if (mountPoint != null) {
        Files.deleteIfExists(mountPoint);
      }
      Files.deleteIfExists(image);
      throw e;
    }
  }

  /** Whether the filesystem is mounted with {@code prjquota}. */
  public boolean projectQuotas() {
    return projectQuotas;
  }

  public Path root() {
    return mountPoint;
  }

  /** A fresh directory on the filesystem named like {@code onOtherFs}, for a suite's ext4 home. */
  public Path mirror(Path onOtherFs) throws IOException {
    return Files.createDirectories(mountPoint.resolve(onOtherFs.getFileName().toString()));
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      new MountCalls().umount(mountPoint, 0);
      Files.deleteIfExists(mountPoint);
    } catch (IOException e) {
      failure = e;
    }
    try {
      run("losetup", "-d", loopDevice);
    } catch (IOException e) {
      failure = keep(failure, e);
    }
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      failure = keep(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException keep(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private static void tryRun(Exception primary, String... command) {
    try {
      run(command);
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }

  private static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted", e);
    }
  }
}
