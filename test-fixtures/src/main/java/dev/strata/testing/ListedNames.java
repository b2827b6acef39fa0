package dev.strata.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The names in a tree as {@code find} lists them: the bytes on disk, read without any Java path
 * decoding, each as a raw string ({@code dev.strata.posix.RawNames}: one char per byte). A test that
 * checks names that are not UTF-8 compares these, so the code under test cannot mislead it.
 */
public final class ListedNames {

  private ListedNames() {}

  /** Every path below {@code root}, relative to it ({@code "dir/file"}), sorted. */
  public static Set<String> of(Path root) throws IOException {
    Process p = new ProcessBuilder("find", root.toString(), "-mindepth", "1", "-printf", "%P\\0")
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("find " + root + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted listing " + root, e);
    }
    Set<String> names = new TreeSet<>();
    int start = 0;
    for (int i = 0; i < out.length; i++) {
      if (out[i] == 0) {
        names.add(new String(out, start, i - start, StandardCharsets.ISO_8859_1));
        start = i + 1;
      }
    }
    return names;
  }
}
