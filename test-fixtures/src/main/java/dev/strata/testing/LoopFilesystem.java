package dev.strata.testing;

import dev.strata.posix.FileNodes;
import dev.strata.posix.FilesystemShutdown;
import dev.strata.posix.LoopDevice;
import dev.strata.posix.LoopDevices;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A scratch filesystem: a sparse image file, {@code mkfs}, a loop device and a mount. btrfs for
 * the btrfs driver; xfs, with {@code prjquota} when asked and the kernel has xfs quota support
 * ({@code CONFIG_XFS_QUOTA}; without it xfs refuses the option with {@code EINVAL} and the
 * filesystem is mounted without it, see {@link #projectQuotas()}), for overlay2's and volumes'
 * quotas; a small ext4 to fill up. Tools are fine here, in test setup; the code under test only
 * issues syscalls.
 *
 * <p>The loop device is bound with autoclear and its handle closed once mounted, so the unmount in
 * {@link #close()} frees it: closing leaves no mount, no loop device and no image behind. {@link
 * #cutPower} and {@link #remount} stage a power cut on xfs and ext4. One
 * filesystem for all the tests of a class is {@link SharedLoopFilesystem}'s job.
 */
public final class LoopFilesystem implements AutoCloseable {

  private static final long BTRFS_SIZE = 2L << 30;
  /** mkfs.xfs refuses filesystems below 300 MiB. */
  private static final long XFS_SIZE = 400L << 20;

  private final String type;
  private final Path image;
  private final Path mountPoint;
  private final boolean projectQuotas;

  private LoopFilesystem(String type, Path image, Path mountPoint, boolean projectQuotas) {
    this.type = type;
    this.image = image;
    this.mountPoint = mountPoint;
    this.projectQuotas = projectQuotas;
  }

  /** A 2 GiB btrfs. Skips the calling test unless running as root (loop devices, mount). */
  public static LoopFilesystem btrfs() throws IOException {
    assumeRoot();
    return create("btrfs", BTRFS_SIZE, false);
  }

  /**
   * A 400 MiB xfs, with project quotas when {@code wantProjectQuotas} and the kernel can. Skips the
   * calling test unless running as root (loop devices, mount).
   */
  public static LoopFilesystem xfs(boolean wantProjectQuotas) throws IOException {
    assumeRoot();
    return create("xfs", XFS_SIZE, wantProjectQuotas);
  }

  /**
   * A small ext4 of {@code size} bytes (at least a few MiB), for tests that fill a disk. Skips the
   * calling test unless running as root.
   */
  public static LoopFilesystem ext4(long size) throws IOException {
    assumeRoot();
    return create("ext4", size, false);
  }

  /**
   * A {@code type} filesystem ({@code btrfs}, {@code xfs} or {@code ext4}) of {@code size} bytes,
   * for benchmarks that need more room than the suites' defaults. Needs root, and says so by
   * throwing rather than through JUnit, which benchmarks run without.
   *
   * @throws IllegalStateException when not running as root
   */
  public static LoopFilesystem of(String type, long size) throws IOException {
    if (!new FileNodes().isRoot()) {
      throw new IllegalStateException("a loop " + type + " needs root (loop device and mount(2))");
    }
    return create(type, size, false);
  }

  private static void assumeRoot() {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "needs root: loop device and mount(2)");
  }

  private static LoopFilesystem create(String type, long size, boolean wantProjectQuotas) throws IOException {
    Path image = Files.createTempFile("strata-" + type + "-", ".img");
    Path mountPoint = null;
    LoopDevice device = null;
    boolean mounted = false;
    try {
      try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
        file.setLength(size);
      }
      // mkfs.ext4 forces with -F; xfs and btrfs with -f.
      mkfs("mkfs." + type, "-q", type.equals("ext4") ? "-F" : "-f", image.toString());
      device = new LoopDevices().attach(image, false);
      mountPoint = Files.createTempDirectory("strata-" + type + "-mnt-");
      boolean quotas = wantProjectQuotas && mountWithProjectQuotas(device, mountPoint, type);
      if (!quotas) {
        new MountCalls().mount(device.path().toString(), mountPoint, type, 0, null);
      }
      mounted = true;
      // The mount holds the device from here on; autoclear frees it at the unmount.
      device.close();
      return new LoopFilesystem(type, image, mountPoint, quotas);
    } catch (IOException | RuntimeException e) {
      undo(e, device, mounted ? mountPoint : null);
      if (mountPoint != null) {
        Files.deleteIfExists(mountPoint);
      }
      Files.deleteIfExists(image);
      throw e;
    }
  }

  /** Releases what a failed {@link #create} had made; failures are kept as suppressed by {@code primary}. */
  private static void undo(Exception primary, LoopDevice device, Path mounted) {
    try {
      if (mounted != null) {
        new MountCalls().umount(mounted, MountCalls.MNT_DETACH);
      } else if (device != null) {
        // Nothing is mounted on it, so it can be unbound now rather than left to autoclear.
        device.detach();
      }
    } catch (PosixException e) {
      primary.addSuppressed(e);
    }
  }

  /** Whether the mount with {@code prjquota} succeeded; false when this kernel's xfs has no quotas. */
  private static boolean mountWithProjectQuotas(LoopDevice device, Path mountPoint, String type)
      throws PosixException {
    try {
      new MountCalls().mount(device.path().toString(), mountPoint, type, 0, "prjquota");
      return true;
    } catch (PosixException e) {
      if (e.errno() != PosixException.EINVAL) {
        throw e;
      }
      return false;
    }
  }

  /** Whether the filesystem is mounted with {@code prjquota}. */
  public boolean projectQuotas() {
    return projectQuotas;
  }

  /** Where the filesystem is mounted. */
  public Path root() {
    return mountPoint;
  }

  /** A directory on the filesystem named like {@code onOtherFs} (a test's {@code @TempDir}), made if missing. */
  public Path mirror(Path onOtherFs) throws IOException {
    return Files.createDirectories(mountPoint.resolve(onOtherFs.getFileName().toString()));
  }

  /**
   * Cuts the power under the filesystem: shuts it down without flushing its log (xfs's and ext4's
   * {@code FS_IOC_SHUTDOWN} with {@code NOLOGFLUSH}), so what was not yet in the on-disk log is
   * lost. Every call on it fails with {@code EIO} from then on; {@link #remount} brings it back as a
   * machine restarting would find it.
   */
  public void cutPower() throws IOException {
    new FilesystemShutdown().shutDownWithoutLogFlush(mountPoint);
  }

  /**
   * Unmounts and mounts the image again on the same mount point, through a new loop device: after
   * {@link #cutPower}, the mount replays the log, as at boot after a power cut. Nothing else may be
   * mounted below the mount point, and no process may hold a file on it: the unmount would fail
   * with {@code EBUSY} (a lazy unmount would keep the old filesystem alive, and xfs refuses to
   * mount a second copy of the same filesystem at once).
   */
  public void remount() throws IOException {
    MountCalls mounts = new MountCalls();
    mounts.umount(mountPoint, 0);
    LoopDevice device = new LoopDevices().attach(image, false);
    try {
      if (!(projectQuotas && mountWithProjectQuotas(device, mountPoint, type))) {
        mounts.mount(device.path().toString(), mountPoint, type, 0, null);
      }
    } catch (IOException | RuntimeException e) {
      undo(e, device, null);
      throw e;
    }
    device.close();
  }

  /** Unmounts (which frees the loop device) and deletes the mount point and the image. */
  @Override
  public void close() throws IOException {
    try {
      new MountCalls().umount(mountPoint, 0);
      Files.deleteIfExists(mountPoint);
    } finally {
      Files.deleteIfExists(image);
    }
  }

  private static void mkfs(String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + " interrupted", e);
    }
  }
}
