package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.driver.Change;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Timestamp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Builds trees on disk and reads diff tars back, for the differ's tests. */
final class DiffFixtures {

  private DiffFixtures() {}

  /** Runs a command, fails the test on a non-zero exit, returns stdout and stderr. */
  static String run(Path cwd, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + " failed: " + output);
    return output;
  }

  /** {@code cp -a}: a full copy keeping modes, owners, nanosecond times, xattrs and hardlinks. */
  static Path copy(Path from, Path to) throws IOException, InterruptedException {
    run(from.getParent(), "cp", "-a", from.toString(), to.toString());
    return to;
  }

  static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  static void mtime(Path path, long seconds, int nanos) throws IOException {
    new FileNodes().setTimes(path, null, new Timestamp(seconds, nanos));
  }

  static List<String> lines(List<Change> changes) {
    return changes.stream().map(Change::toString).toList();
  }

  static byte[] diff(Optional<Path> lower, Path upper) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LayerDiffer().writeDiff(lower, upper, out);
    return out.toByteArray();
  }

  /** The entries as commons-compress reads them, in order. */
  static List<TarArchiveEntry> entries(byte[] tar) throws IOException {
    List<TarArchiveEntry> entries = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.add(e);
      }
    }
    return entries;
  }

  /** {@code "d etc/"}, {@code "f etc/motd"}, {@code "l b -> a"}, {@code "s x -> y"}: kind, name, link. */
  static List<String> listing(byte[] tar) throws IOException {
    List<String> out = new ArrayList<>();
    for (TarArchiveEntry e : entries(tar)) {
      String kind = e.isDirectory() ? "d" : e.isSymbolicLink() ? "s" : e.isLink() ? "l"
          : e.isCharacterDevice() ? "c" : e.isBlockDevice() ? "b" : e.isFIFO() ? "p" : "f";
      out.add(kind + " " + e.getName() + (e.getLinkName().isEmpty() ? "" : " -> " + e.getLinkName()));
    }
    return out;
  }

  /**
   * The raw PAX records that precede each entry, keyed by the entry's header name, read straight
   * from the bytes (commons-compress decodes values as UTF-8, which loses binary xattrs).
   */
  static Map<String, Map<String, byte[]>> paxRecords(byte[] tar) {
    Map<String, Map<String, byte[]>> result = new LinkedHashMap<>();
    Map<String, byte[]> pending = null;
    int off = 0;
    while (off + 512 <= tar.length && tar[off] != 0) {
      long size = Long.parseLong(field(tar, off + 124, 12).trim(), 8);
      char type = (char) tar[off + 156];
      int body = off + 512;
      if (type == 'x') {
        pending = parseRecords(tar, body, (int) size);
      } else {
        Map<String, byte[]> records = pending == null ? Map.of() : pending;
        String name = records.containsKey("path")
            ? new String(records.get("path"), StandardCharsets.UTF_8) : field(tar, off, 100);
        result.put(name, records);
        pending = null;
      }
      off = body + (int) ((size + 511) / 512 * 512);
    }
    return result;
  }

  private static Map<String, byte[]> parseRecords(byte[] tar, int off, int size) {
    Map<String, byte[]> records = new LinkedHashMap<>();
    int end = off + size;
    while (off < end) {
      int space = off;
      while (tar[space] != ' ') {
        space++;
      }
      int length = Integer.parseInt(new String(tar, off, space - off, StandardCharsets.US_ASCII));
      int eq = space + 1;
      while (tar[eq] != '=') {
        eq++;
      }
      String key = new String(tar, space + 1, eq - space - 1, StandardCharsets.UTF_8);
      byte[] value = Arrays.copyOfRange(tar, eq + 1, off + length - 1);
      assertEquals('\n', tar[off + length - 1], "record for " + key + " must end in a newline");
      records.put(key, value);
      off += length;
    }
    return records;
  }

  private static String field(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }
}
