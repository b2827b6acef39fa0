package dev.strata.guest;

import dev.strata.posix.MountCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host's root file system, bind-mounted read-only at a private place, for virtiofsd to share:
 * virtiofsd has no read-only switch, and the guest runs as root. The bind is not recursive, so
 * {@code /proc}, {@code /sys}, {@code /dev} and other mounts stay out of the guest.
 */
final class ReadOnlyRoot implements AutoCloseable {

  private final MountCalls mounts;
  private final Path at;
  private boolean closed;

  private ReadOnlyRoot(MountCalls mounts, Path at) {
    this.mounts = mounts;
    this.at = at;
  }

  static ReadOnlyRoot bind(MountCalls mounts) throws IOException {
    Path at = Files.createTempDirectory("strata-guest-root");
    try {
      mounts.mount("/", at, "", MountCalls.MS_BIND, null);
    } catch (IOException | RuntimeException e) {
      Files.delete(at);
      throw e;
    }
    ReadOnlyRoot root = new ReadOnlyRoot(mounts, at);
    try {
      // Private, so that mounts the tests make on the host do not propagate into the guest's view;
      // read-only through a remount, the only way a bind takes flags.
      mounts.mount("", at, "", MountCalls.MS_PRIVATE, null);
      mounts.mount("", at, "", MountCalls.MS_BIND | MountCalls.MS_REMOUNT | MountCalls.MS_RDONLY, null);
    } catch (IOException | RuntimeException e) {
      root.close();
      throw e;
    }
    return root;
  }

  Path path() {
    return at;
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    mounts.umount(at, MountCalls.MNT_DETACH);
    Files.delete(at);
  }
}
