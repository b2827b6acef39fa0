package dev.strata.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Attaches an image file to a free loop device with the loop driver's ioctls, as
 * {@code losetup --find} does but without running it: {@code LOOP_CTL_GET_FREE} on
 * {@code /dev/loop-control}, then {@code LOOP_CONFIGURE} on {@code /dev/loopN} (Linux 5.8+), or
 * {@code LOOP_SET_FD} and {@code LOOP_SET_STATUS64} on a kernel without it. Every device is bound
 * with {@code LO_FLAGS_AUTOCLEAR}, so a crash never leaks one: the kernel frees it when the last
 * holder (the returned handle, a mount) lets go.
 *
 * <pre>{@code
 * try (LoopDevice dev = loops.attach(image, false)) {
 *   mounts.mount(dev.path().toString(), target, "ext4", 0, null);
 * } // the device stays bound while mounted and is freed by the unmount
 * }</pre>
 */
public final class LoopDevices {

  // Request numbers and layouts from linux/loop.h.
  static final long LOOP_SET_FD = 0x4C00;
  static final long LOOP_CLR_FD = 0x4C01;
  static final long LOOP_SET_STATUS64 = 0x4C04;
  static final long LOOP_CONFIGURE = 0x4C0A;
  static final long LOOP_CTL_GET_FREE = 0x4C82;
  static final int LO_FLAGS_READ_ONLY = 1;
  static final int LO_FLAGS_AUTOCLEAR = 4;

  /** {@code struct loop_info64}: five u64, four u32, two 64-byte names, a 32-byte key, two u64. */
  static final int LOOP_INFO64_SIZE = 232;
  private static final int INFO_FLAGS = 52;
  private static final int INFO_FILE_NAME = 56;
  private static final int LO_NAME_SIZE = 64;
  /** {@code struct loop_config}: u32 fd, u32 block_size, the info, eight reserved u64. */
  static final int LOOP_CONFIG_SIZE = 8 + LOOP_INFO64_SIZE + 64;
  private static final int CONFIG_INFO = 8;

  /**
   * A free device can be taken by another process between {@code LOOP_CTL_GET_FREE} and the bind
   * ({@code EBUSY}); each retry asks for a free device again.
   */
  static final int ATTEMPTS = 16;

  private static final int O_RDONLY = 0;
  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 02000000;
  private static final Path CONTROL = Path.of("/dev/loop-control");

  private final LibC libc = Native.LIBC;
  private final boolean configure;

  public LoopDevices() {
    this(true);
  }

  /** {@code configure == false} uses the pre-5.8 ioctls only, so tests can cover that path. */
  LoopDevices(boolean configure) {
    this.configure = configure;
  }

  /**
   * Binds {@code image} to a free loop device; read-only binds refuse every write.
   *
   * @throws NoSuchFileException when {@code image} does not exist
   * @throws FileSystemException when {@code image} is not a regular file
   * @throws PosixException when loop devices are unavailable ({@code /dev/loop-control} missing:
   *     no loop driver, or a {@code /dev} without it), when the caller lacks {@code CAP_SYS_ADMIN}
   *     ({@code EPERM}/{@code EACCES}), or when every attempt found its device taken ({@code EBUSY})
   */
  public LoopDevice attach(Path image, boolean readOnly) throws IOException {
    String file = image.toString();
    if (!Files.exists(image)) {
      throw new NoSuchFileException(file, null, "no image file to attach to a loop device");
    }
    if (!Files.isRegularFile(image)) {
      throw new FileSystemException(file, null,
          "not a regular file; a loop device is backed by a filesystem image file");
    }
    int backing = libc.open(RawNames.cString(image), (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
    Errors.check(backing, "open", file);
    try {
      int control = libc.open(RawNames.cString(CONTROL), O_RDWR | O_CLOEXEC, 0);
      if (control < 0) {
        throw new PosixException("open", CONTROL + " (loop devices unavailable here: no loop"
            + " driver, or /dev does not hold loop-control)", Errors.lastErrno());
      }
      try {
        return attachFree(control, backing, image, readOnly);
      } finally {
        libc.close(control);
      }
    } finally {
      // The kernel holds its own reference to the image once bound.
      libc.close(backing);
    }
  }

  private LoopDevice attachFree(int control, int backing, Path image, boolean readOnly)
      throws PosixException {
    PosixException busy = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int n = libc.ioctl(control, LOOP_CTL_GET_FREE, 0L);
      Errors.check(n, "ioctl(LOOP_CTL_GET_FREE)", CONTROL.toString());
      String device = "/dev/loop" + n;
      int fd = libc.open(RawNames.cString(device), (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
      Errors.check(fd, "open", device);
      try {
        bind(fd, backing, device, image, readOnly);
        return new LoopDevice(Path.of(device), n, image, readOnly, fd);
      } catch (PosixException e) {
        libc.close(fd);
        if (e.errno() != PosixException.EBUSY) {
          throw e;
        }
        if (busy != null) {
          e.addSuppressed(busy);
        }
        busy = e;
      }
    }
    throw busy;
  }

  private void bind(int fd, int backing, String device, Path image, boolean readOnly)
      throws PosixException {
    String subject = device + " <- " + image;
    if (configure) {
      byte[] config = configStruct(backing, image, readOnly);
      if (libc.ioctl(fd, LOOP_CONFIGURE, config) >= 0) {
        return;
      }
      int errno = Errors.lastErrno();
      // A kernel before 5.8 does not know the request: EINVAL from the loop driver, or ENOTTY.
      if (errno != PosixException.EINVAL && errno != PosixException.ENOTTY) {
        throw new PosixException("ioctl(LOOP_CONFIGURE)", subject, errno);
      }
    }
    Errors.check(libc.ioctl(fd, LOOP_SET_FD, (long) backing), "ioctl(LOOP_SET_FD)", subject);
    // Read-only needs no flag here: LOOP_SET_FD derives it from the O_RDONLY descriptors.
    byte[] info = new byte[LOOP_INFO64_SIZE];
    fillInfo(ByteBuffer.wrap(info).order(ByteOrder.nativeOrder()), 0, image, LO_FLAGS_AUTOCLEAR);
    if (libc.ioctl(fd, LOOP_SET_STATUS64, info) < 0) {
      PosixException e = new PosixException("ioctl(LOOP_SET_STATUS64)", subject, Errors.lastErrno());
      if (libc.ioctl(fd, LOOP_CLR_FD, 0L) < 0) {
        e.addSuppressed(new PosixException("ioctl(LOOP_CLR_FD)", device, Errors.lastErrno()));
      }
      throw e;
    }
  }

  static byte[] configStruct(int backing, Path image, boolean readOnly) {
    byte[] config = new byte[LOOP_CONFIG_SIZE];
    ByteBuffer b = ByteBuffer.wrap(config).order(ByteOrder.nativeOrder());
    b.putInt(0, backing);
    b.putInt(4, 0); // block size: the kernel's default (512, or the backing device's)
    int flags = LO_FLAGS_AUTOCLEAR | (readOnly ? LO_FLAGS_READ_ONLY : 0);
    fillInfo(b, CONFIG_INFO, image, flags);
    return config;
  }

  /** Flags and the name {@code LOOP_GET_STATUS64} (and so {@code losetup -l}) reports. */
  private static void fillInfo(ByteBuffer b, int at, Path image, int flags) {
    b.putInt(at + INFO_FLAGS, flags);
    byte[] name = image.toString().getBytes(StandardCharsets.UTF_8);
    // NUL-terminated and truncated as losetup does; the kernel shows the full path in sysfs.
    b.put(at + INFO_FILE_NAME, name, 0, Math.min(name.length, LO_NAME_SIZE - 1));
  }
}
