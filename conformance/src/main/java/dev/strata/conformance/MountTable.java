package dev.strata.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Mount points under a directory according to {@code /proc/self/mountinfo}, deepest first. */
final class MountTable {

  private MountTable() {}

  static List<Path> under(Path dir) throws IOException {
    Path mountinfo = Path.of("/proc/self/mountinfo");
    List<Path> found = new ArrayList<>();
    if (!Files.isReadable(mountinfo)) {
      return found;
    }
    for (String line : Files.readAllLines(mountinfo)) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        Path point = Path.of(unescape(fields[4]));
        if (point.startsWith(dir)) {
          found.add(point);
        }
      }
    }
    found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return found;
  }

  /** The kernel writes space, tab, newline and backslash in mount points as {@code \ooo}. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() + 1 && field.substring(i + 1, Math.min(i + 4, field.length())).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
