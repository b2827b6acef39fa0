package dev.strata.posix;

import java.nio.file.Path;

/**
 * A loop device bound to an image file by {@link LoopDevices#attach}, held open by this handle.
 * The binding is made with {@code LO_FLAGS_AUTOCLEAR}: the kernel releases the device once nobody
 * holds it open any more, that is once this handle is closed <em>and</em> every mount of it is
 * gone. So the usual sequence is attach, mount {@link #path()}, {@link #close()}; the unmount later
 * frees the device. On an error path before anything is mounted, {@link #detach()} releases it at
 * once.
 */
public final class LoopDevice implements AutoCloseable {

  private final LibC libc = Native.LIBC;
  private final Path path;
  private final int number;
  private final Path image;
  private final boolean readOnly;
  private final int fd;
  private boolean closed;

  LoopDevice(Path path, int number, Path image, boolean readOnly, int fd) {
    this.path = path;
    this.number = number;
    this.image = image;
    this.readOnly = readOnly;
    this.fd = fd;
  }

  /** The block device to mount, {@code /dev/loopN}. */
  public Path path() {
    return path;
  }

  /** {@code N} of {@code /dev/loopN}; its sysfs directory is {@code /sys/block/loopN}. */
  public int number() {
    return number;
  }

  /** The image file the device reads and writes. */
  public Path image() {
    return image;
  }

  /** Whether the device refuses writes (and so a read-write mount). */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * Unbinds the image now ({@code LOOP_CLR_FD}) and closes the handle. If the device is still
   * mounted the kernel cannot unbind it yet and leaves it to autoclear, so this never pulls a
   * device out from under a mount.
   *
   * @throws IllegalStateException when the handle is already closed
   * @throws PosixException when the kernel refuses; the handle is closed all the same
   */
  public synchronized void detach() throws PosixException {
    if (closed) {
      throw new IllegalStateException(path + " handle is closed; autoclear releases the device");
    }
    try {
      Errors.check(libc.ioctl(fd, LoopDevices.LOOP_CLR_FD, 0L), "ioctl(LOOP_CLR_FD)", path.toString());
    } finally {
      close();
    }
  }

  /** Closes this handle's descriptor; idempotent. The device is freed once it is unmounted too. */
  @Override
  public synchronized void close() throws PosixException {
    if (closed) {
      return;
    }
    closed = true;
    Errors.check(libc.close(fd), "close", path.toString());
  }

  @Override
  public String toString() {
    return path + " <- " + image + (readOnly ? " (read-only)" : "");
  }
}
