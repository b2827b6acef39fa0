package dev.strata.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The placeholders Docker's daemon puts in every init layer (moby's {@code initlayer}), so that
 * bind mounts of the runtime's own files, and the mounts a runtime makes on {@code /proc}, {@code
 * /sys} and {@code /dev}, have something to land on without adding to the container's changes.
 * Existing files (or symlinks) of the image are left alone.
 *
 * <p>The image underneath is untrusted: a placeholder whose parent is not a plain directory (a
 * symlink, say {@code /etc -> /host/etc}) is skipped rather than followed, so nothing is ever
 * created outside the layer.
 */
final class DockerInitHook implements InitHook {

  private static final String[] DIRECTORIES = {"dev/pts", "dev/shm", "proc", "sys", "etc"};
  private static final String[] FILES = {"etc/hosts", "etc/hostname", "etc/resolv.conf", ".dockerenv", "dev/console"};

  @Override
  public void populate(Path root) throws IOException {
    for (String dir : DIRECTORIES) {
      Path current = root;
      for (Path part : Path.of(dir)) {
        current = current.resolve(part);
        if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(current);
        } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
          break;
        }
      }
    }
    for (String file : FILES) {
      Path p = root.resolve(file);
      if (realDirectories(root, p.getParent()) && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(p);
      }
    }
    Path mtab = root.resolve("etc/mtab");
    if (realDirectories(root, mtab.getParent()) && !Files.exists(mtab, LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(mtab, Path.of("/proc/mounts"));
    }
  }

  /** Whether every component from {@code root} down to {@code dir} is a directory, not a symlink. */
  private static boolean realDirectories(Path root, Path dir) {
    Path current = root;
    for (Path part : root.relativize(dir)) {
      current = current.resolve(part);
      if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
    }
    return true;
  }
}
