package dev.strata.guest;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One run of the JUnit console launcher over some test classes: the command, and the directory it
 * reports into. The same command runs natively or inside the guest, where the host's root is
 * mounted at the same paths.
 */
final class TestRun {

  /** In the guest, where the scratch disk is mounted: the host's /tmp is there read-only. */
  static final String GUEST_TMPDIR = "/run/strata-scratch";

  /**
   * Under TCG the JIT's second tier and a parallel collector cost more start-up CPU than they win
   * back in a run of a few minutes. Stress tests' hang guards stretch tenfold: their 64-thread mount
   * test took 36 s of its 50 in an unloaded guest and missed it beside a CPU hog.
   */
  private static final List<String> GUEST_JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
      "-XX:-UsePerfData", "-Djava.io.tmpdir=" + GUEST_TMPDIR, "-Dstrata.stress.slowdown=10");

  private final List<Path> classPath;
  private final List<String> classes;
  private final Path out;

  TestRun(String classPath, List<String> classes, Path out) {
    // Absolute: the launcher runs in the output directory, and in the guest.
    this.classPath = Stream.of(classPath.split(File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> Path.of(e).toAbsolutePath())
        .toList();
    this.classes = List.copyOf(classes);
    this.out = out;
  }

  /** The class path's entries, absolute. */
  List<Path> classPathEntries() {
    return classPath;
  }

  /** The directory shared with the guest: reports, the launcher's output, its exit code. */
  Path out() {
    return out;
  }

  /** Where the launcher writes its XML report; .ci/run counts it with surefire's. */
  Path reports() {
    return out.resolve("reports");
  }

  /** Empties the output directory: a report left by an earlier run must not be counted again. */
  void prepare() throws IOException {
    if (Files.exists(out)) {
      try (Stream<Path> all = Files.walk(out)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(reports());
  }

  /** The launcher's command line, for this host or (with {@code inGuest}) for the guest. */
  List<String> command(boolean inGuest) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (inGuest) {
      command.addAll(GUEST_JVM_FLAGS);
    }
    String joined = classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    command.addAll(List.of("-Xmx1g", "-cp", joined, "org.junit.platform.console.ConsoleLauncher", "execute",
        "--disable-banner", "--details=tree", "--fail-if-no-tests", "--reports-dir=" + reports()));
    for (String c : classes) {
      command.add("--select-class=" + c);
    }
    return command;
  }

  int runNatively() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command(false)).inheritIO().start();
    return p.waitFor();
  }

  /** The script the guest's init runs inside the shared root: loads modules, then the launcher. */
  String guestScript() {
    StringBuilder s = new StringBuilder("#!/bin/sh\n");
    // init's PATH is the initramfs's; the tests call the host's tools (mkfs.xfs, losetup, ...).
    s.append("export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    // The JVM takes file.encoding from the locale, and init has none.
    s.append("export LANG=C.UTF-8\n");
    // The kernel package installs its modules on the host's root, which the guest now uses.
    s.append("modprobe -a virtio_blk loop xfs btrfs overlay || exit 120\n");
    // Temporary files on the scratch disk, as xfs: tmpfs on 6.1 has no user.* xattrs, and guest
    // memory should not hold the tests' loop images.
    String scratch = Shell.quote(GUEST_TMPDIR);
    s.append("mkfs.xfs -q -f ").append(QemuGuest.SCRATCH_DEVICE).append(" && mkdir -p ").append(scratch)
        .append(" && mount ").append(QemuGuest.SCRATCH_DEVICE).append(' ').append(scratch)
        .append(" && chmod 1777 ").append(scratch).append(" || exit 122\n");
    s.append("export TMPDIR=").append(scratch).append('\n');
    s.append("cd ").append(Shell.quote(out.toString())).append(" || exit 121\n");
    s.append("exec");
    for (String arg : command(true)) {
      s.append(' ').append(Shell.quote(arg));
    }
    return s.append('\n').toString();
  }
}
