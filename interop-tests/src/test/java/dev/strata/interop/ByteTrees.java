package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tar extracted by the tool a user would use rather than by Strata's own code: GNU tar, which keeps
 * PAX names that are not UTF-8 as they are ({@link dev.strata.testing.ListedNames} lists them).
 */
final class ByteTrees {

  private ByteTrees() {}

  /** Extracts {@code tar} into the existing directory {@code dir} with GNU tar, as root: owners and modes kept. */
  static void extract(InputStream tar, Path dir) throws IOException {
    Process p = new ProcessBuilder("tar", "-x", "--numeric-owner", "-f", "-", "-C", dir.toString())
        .redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      tar.transferTo(in);
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, waitFor(p), () -> "tar -x failed: " + output);
  }

  private static int waitFor(Process p) throws IOException {
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out waiting for " + p.info().command().orElse("a tool"));
      }
      return p.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
