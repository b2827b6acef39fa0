package dev.strata.interop;

import dev.strata.driver.posix.MountCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A scratch btrfs filesystem for one test class (copied from driver-btrfs's tests, which are not
 * published as a test jar): a sparse image file, {@code mkfs.btrfs}, a loop
 * device and a mount. Tools are fine here, in test setup; the driver itself only issues ioctls.
 * {@link #close()} unmounts, detaches the loop device and deletes the image, leaving nothing.
 */
final class BtrfsTestFilesystem implements AutoCloseable {

  private static final long IMAGE_SIZE = 2L << 30;

  private final Path image;
  private final String loopDevice;
  private final Path mountPoint;

  private BtrfsTestFilesystem(Path image, String loopDevice, Path mountPoint) {
    this.image = image;
    this.loopDevice = loopDevice;
    this.mountPoint = mountPoint;
  }

  /** Skips the calling test class unless running as root, which loop devices and mount need. */
  static BtrfsTestFilesystem create() throws IOException {
    Assumptions.assumeTrue(new dev.strata.driver.posix.FileNodes().isRoot(),
        "needs root: loop device, mount(2) and subvolume ioctls");
    Path image = Files.createTempFile("strata-btrfs-", ".img");
    String loop = null;
    Path mountPoint = null;
    try {
      try (var ch = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(0);
        ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), IMAGE_SIZE - 1);
      }
      run("mkfs.btrfs", "-q", "-f", image.toString());
      loop = run("losetup", "-f", "--show", image.toString()).trim();
      mountPoint = Files.createTempDirectory("strata-btrfs-mnt-");
      new MountCalls().mount(loop, mountPoint, "btrfs", 0, null);
      return new BtrfsTestFilesystem(image, loop, mountPoint);
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

  Path root() {
    return mountPoint;
  }

  /** A fresh directory on the filesystem named like {@code onOtherFs}, for a suite's ext4 home. */
  Path mirror(Path onOtherFs) throws IOException {
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

  static String run(String... command) throws IOException {
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
