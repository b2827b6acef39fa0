package dev.strata.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Mount points from {@code /proc/self/mountinfo}: mounts a crashed process left under a driver
 * home, and the filesystem (type, device, super options) that holds a path.
 */
public final class MountTable {

  private final Path mountinfo;

  public MountTable(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  public static MountTable self() {
    return new MountTable(Path.of("/proc/self/mountinfo"));
  }

  /** Mount points strictly below {@code dir}, deepest first (the order to unmount them in). */
  public List<Path> mountPointsUnder(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    if (!Files.isReadable(mountinfo)) {
      return found;
    }
    for (String line : lines()) {
      String[] fields = line.split(" ");
      if (fields.length < 5) {
        continue;
      }
      Path point = Path.of(unescape(fields[4]));
      if (point.startsWith(dir) && !point.equals(dir)) {
        found.add(point);
      }
    }
    found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return found;
  }

  /** One line of mountinfo: where, what filesystem, from which source, with which super options. */
  public record Entry(Path mountPoint, String fsType, String source, List<String> superOptions) {}

  /**
   * The mount that holds {@code path} (a real path): the deepest mount point above it, the last
   * listed when several are stacked on one point (the one on top).
   */
  public Optional<Entry> holding(Path path) throws IOException {
    Entry best = null;
    if (!Files.isReadable(mountinfo)) {
      return Optional.empty();
    }
    for (String line : lines()) {
      String[] fields = line.split(" ");
      int dash = Arrays.asList(fields).indexOf("-");
      if (fields.length < 5 || dash < 0 || fields.length < dash + 4) {
        continue;
      }
      Path point = Path.of(unescape(fields[4]));
      if (path.startsWith(point) && (best == null || point.getNameCount() >= best.mountPoint().getNameCount())) {
        best = new Entry(point, fields[dash + 1], unescape(fields[dash + 2]),
            List.of(fields[dash + 3].split(",")));
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The table's lines. Mount points are bytes and any mount on the system may have a name that is
   * not UTF-8; such bytes become U+FFFD instead of failing the read, so a stranger's mount never
   * breaks a walk of ours (the names we look for are UTF-8 paths, which the replacement never
   * produces).
   */
  private List<String> lines() throws IOException {
    return new String(Files.readAllBytes(mountinfo), StandardCharsets.UTF_8).lines().toList();
  }

  /** The kernel writes space, tab, newline and backslash in mount points as {@code \ooo}. */
  public static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
