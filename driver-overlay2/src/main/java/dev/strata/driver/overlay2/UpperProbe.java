package dev.strata.driver.overlay2;

import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The test mount behind {@link Overlay2DriverProvider#probe}: an overlay with its upper on the
 * home's filesystem, in a temporary directory removed afterwards. Deleting a lower file through it
 * must leave a whiteout in the upper, which is what the driver relies on. {@code volatile} spares
 * the unmount its sync of the whole filesystem; the directory goes anyway.
 */
final class UpperProbe {

  private static final int S_IFMT = 0170000;

  private UpperProbe() {}

  /** Empty when overlay works with an upper in {@code parent}; otherwise why not. */
  static Optional<String> failure(Path parent) throws IOException {
    Path dir = Files.createTempDirectory(parent, ".strata-overlay-probe-");
    MountCalls calls = new MountCalls();
    try {
      Path lower = Files.createDirectory(dir.resolve("lower"));
      Files.writeString(lower.resolve("file"), "probe");
      Path upper = Files.createDirectory(dir.resolve("upper"));
      Path work = Files.createDirectory(dir.resolve("work"));
      Path merged = Files.createDirectory(dir.resolve("merged"));
      try {
        calls.mount("overlay", merged, "overlay", 0,
            "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work + ",volatile");
      } catch (PosixException e) {
        return Optional.of("a test overlay mount with its upper in " + parent + " failed: " + e.getMessage());
      }
      try {
        Files.delete(merged.resolve("file"));
      } finally {
        calls.umount(merged, 0);
      }
      Map<String, Object> a = Files.readAttributes(upper.resolve("file"), "unix:mode,rdev",
          LinkOption.NOFOLLOW_LINKS);
      boolean whiteout = ((Integer) a.get("mode") & S_IFMT) == FileNodes.S_IFCHR && (Long) a.get("rdev") == 0;
      return whiteout ? Optional.empty()
          : Optional.of("overlay left no whiteout device in an upper on " + parent);
    } finally {
      FileTrees.delete(dir);
    }
  }
}
