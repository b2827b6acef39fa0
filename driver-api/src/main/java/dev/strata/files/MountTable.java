package dev.strata.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mount points from {@code /proc/self/mountinfo}, to find mounts a crashed process left under a driver home. */
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
    for (String line : Files.readAllLines(mountinfo)) {
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
