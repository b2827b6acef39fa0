package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.files.MountTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The host as the volume tests see it: root, mounts and loop devices under a test's directory. */
final class Host {

  private Host() {}

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** Root-only tests are skipped elsewhere; CI runs as root, so none is skipped there. */
  static void assumeRoot() {
    assumeTrue(isRoot(), "needs root (mount(2), chown, loop devices)");
  }

  /** Mount points at or below {@code dir}, deepest first. */
  static List<Path> mountsUnder(Path dir) throws IOException {
    Path real = dir.toRealPath();
    List<Path> found = new ArrayList<>(MountTable.self().mountPointsUnder(real));
    if (MountTable.self().holding(real).map(e -> e.mountPoint().equals(real)).orElse(false)) {
      found.add(real);
    }
    return found;
  }

  /** The mount exactly at {@code point}, if any. */
  static Optional<MountTable.Entry> mountAt(Path point) throws IOException {
    Path real = point.toRealPath();
    return MountTable.self().holding(real).filter(e -> e.mountPoint().equals(real));
  }

  /** Loop devices ({@code /dev/loopN}) whose backing file lies under {@code dir}. */
  static List<String> loopsBackedBy(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    String prefix = dir.toRealPath().toString();
    for (String line : run("losetup", "-a").split("\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.contains(prefix)) {
        found.add(line.substring(0, colon));
      }
    }
    return found;
  }

  /**
   * Unmounts everything below {@code dir} and detaches its loop devices, then checks that nothing
   * is left: what every mounting test runs in {@code @AfterEach}, whether it passed or not.
   */
  static void cleanUp(Path dir) throws Exception {
    if (!isRoot() || !Files.exists(dir)) {
      return;
    }
    for (Path point : mountsUnder(dir)) {
      run("umount", "-l", point.toString());
    }
    // Autoclear frees a loop device shortly after its last unmount; detach whatever remains.
    for (int i = 0; i < 50 && !loopsBackedBy(dir).isEmpty(); i++) {
      Thread.sleep(100);
    }
    for (String loop : loopsBackedBy(dir)) {
      run("losetup", "-d", loop);
    }
    assertEquals(List.of(), mountsUnder(dir), "mounts left under " + dir);
    assertEquals(List.of(), loopsBackedBy(dir), "loop devices left backed by files under " + dir);
  }

  /** Runs a command, failing the test on a non-zero exit; returns its standard output. */
  static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException(String.join(" ", command) + " exited " + rc + ": " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
