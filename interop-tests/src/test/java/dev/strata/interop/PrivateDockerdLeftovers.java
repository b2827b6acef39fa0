package dev.strata.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a private engine can leave behind when a test fails half-way: containerd shims (they
 * outlive containerd by design) and mounts under its directories (netns files, the vfs
 * driver's and containerd's mounts, volumes' mounts).
 */
final class PrivateDockerdLeftovers {

  private PrivateDockerdLeftovers() {}

  /** Ends the shims serving the containerd at {@code address}: only those name it on their command line. */
  static void endShims(Path address) throws IOException, InterruptedException {
    List<ProcessHandle> shims = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        String cmdline = commandLine(proc);
        if (cmdline.contains("containerd-shim") && cmdline.contains(address.toString())) {
          ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(shims::add);
        }
      }
    }
    for (ProcessHandle shim : shims) {
      shim.destroyForcibly();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle shim : shims) {
      while (shim.isAlive()) {
        if (System.nanoTime() > deadline) {
          throw new IOException("shim " + shim.pid() + " did not exit after SIGKILL");
        }
        Thread.sleep(50);
      }
    }
  }

  private static String commandLine(Path proc) throws IOException {
    try {
      return new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (NoSuchFileException | java.nio.file.AccessDeniedException gone) {
      return ""; // exited meanwhile
    }
  }

  /** Unmounts every mount at or under {@code dir}, deepest first; fails if one stays. */
  static void unmountUnder(Path dir) throws IOException, InterruptedException {
    List<String> mounts = mountsUnder(dir);
    for (int i = mounts.size() - 1; i >= 0; i--) {
      Process p = new ProcessBuilder("umount", mounts.get(i)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0 && mountsUnder(dir).contains(mounts.get(i))) {
        throw new IOException("cannot unmount " + mounts.get(i) + ": " + out);
      }
    }
  }

  /** Mount points at or under {@code dir}, in mount order. */
  static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toString();
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = unescape(line.split(" ")[4]);
      if (point.equals(prefix) || point.startsWith(prefix + "/")) {
        found.add(point);
      }
    }
    return found;
  }

  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
  }

  /** The mount of {@code point}'s filesystem type, if {@code point} is a mount point. */
  static Optional<String> typeAt(Path point) throws IOException {
    Optional<String> type = Optional.empty();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (unescape(f[4]).equals(point.toString())) {
        int dash = List.of(f).indexOf("-");
        type = Optional.of(f[dash + 1]); // the last mount on a point is the one seen
      }
    }
    return type;
  }
}
