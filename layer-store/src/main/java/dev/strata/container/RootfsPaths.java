package dev.strata.container;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.posix.RawNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Paths inside a container's root filesystem, resolved as the container would see them: symlinks
 * are followed with the rootfs as {@code /} (an absolute link or {@code ..} never leaves it), so
 * an image cannot aim a mount or a populate at the host. The walk is in raw strings ({@link
 * RawNames}), so an image's names and link targets that are not UTF-8 resolve to the files they
 * name.
 */
final class RootfsPaths {

  private static final int MAX_LINKS = 40;

  private RootfsPaths() {}

  /** Where {@code containerPath} lands inside {@code rootfs}; missing trailing parts are kept as named. */
  static Path resolve(Path rootfs, String containerPath) throws IOException {
    return resolveRaw(rootfs, RawNames.ofText(containerPath), containerPath);
  }

  private static Path resolveRaw(Path rootfs, String raw, String containerPath) throws IOException {
    Deque<String> parts = new ArrayDeque<>(split(raw));
    Path current = rootfs;
    int links = 0;
    while (!parts.isEmpty()) {
      String part = parts.pop();
      if (part.equals("..")) {
        current = current.equals(rootfs) ? rootfs : current.getParent();
        continue;
      }
      Path next = RawNames.resolve(current, part);
      if (Files.isSymbolicLink(next)) {
        if (++links > MAX_LINKS) {
          throw new InvalidArgumentException(containerPath, "too many symlinks resolving " + containerPath
              + " in the container");
        }
        String target = RawNames.of(Files.readSymbolicLink(next));
        java.util.List<String> linkParts = split(target);
        for (int i = linkParts.size() - 1; i >= 0; i--) {
          parts.push(linkParts.get(i));
        }
        if (target.startsWith("/")) {
          current = rootfs;
        }
        continue;
      }
      current = next;
    }
    return current;
  }

  /**
   * Makes {@code containerPath} exist in {@code rootfs} as a directory (or an empty file when
   * {@code directory} is false), creating missing parents 0755 as Docker does, and returns it.
   *
   * @throws InvalidArgumentException when it exists as the other kind ("cannot mount a directory
   *     over a file")
   */
  static Path prepare(Path rootfs, String containerPath, boolean directory) throws IOException {
    Path resolved = resolve(rootfs, containerPath);
    if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
      Path parent = resolved.getParent();
      if (!resolved.equals(rootfs)) {
        // Parents resolved again one by one: a symlink among them stays inside the rootfs.
        createDirectories(rootfs, rootfs.relativize(parent));
      }
      if (directory) {
        Files.createDirectory(resolved);
        Files.setPosixFilePermissions(resolved, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      } else {
        Files.createFile(resolved);
      }
    } else if (directory != Files.isDirectory(resolved, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(containerPath, "cannot mount " + (directory ? "a directory" : "a file")
          + " over " + containerPath + ": it exists in the image as " + (directory ? "a file" : "a directory"));
    }
    return resolved;
  }

  private static void createDirectories(Path rootfs, Path relative) throws IOException {
    Path current = rootfs;
    for (Path part : relative) {
      Path next = resolveRaw(rootfs, "/" + RawNames.of(rootfs.relativize(current.resolve(part))),
          RawNames.printable(part));
      if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(next);
        Files.setPosixFilePermissions(next, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      } else if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException(RawNames.printable(relative), RawNames.printable(next)
            + " is not a directory");
      }
      current = next;
    }
  }

  private static java.util.List<String> split(String path) {
    return Arrays.stream(path.split("/")).filter(p -> !p.isEmpty() && !p.equals(".")).toList();
  }
}
