package dev.strata.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's containerd, run with a private configuration under one directory: its own root, state,
 * sockets and opt dir, the CRI plugin off, and the snapshotter under test as the proxy plugin
 * {@code strata}. {@link #ctr} runs Debian's ctr against it in the namespace {@code strata-test}.
 * {@link #close()} stops it and everything it started (shims), and unmounts whatever is left
 * mounted under its directory.
 */
final class ContainerdDaemon implements AutoCloseable {

  static final String NAMESPACE = "strata-test";
  static final String SNAPSHOTTER = "strata";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  /** What one ctr command did. */
  record Result(int exit, String out, String err) {
    Result requireSuccess(List<String> args) {
      if (exit != 0) {
        throw new IllegalStateException("ctr " + String.join(" ", args) + " exited " + exit + ": " + err + out);
      }
      return this;
    }
  }

  private final Path dir;
  private final Path socket;
  private Process process;

  private ContainerdDaemon(Path dir) {
    this.dir = dir;
    this.socket = dir.resolve("containerd.sock");
  }

  /** The configuration: the text the README gives, with this daemon's paths. */
  static String config(Path dir, Path snapshotterSocket) {
    return """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]

        [grpc]
          address = "%1$s/containerd.sock"

        [ttrpc]
          address = "%1$s/containerd.sock.ttrpc"

        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"

        [proxy_plugins.strata]
          type = "snapshot"
          address = "%2$s"
        """.formatted(dir, snapshotterSocket);
  }

  /** Starts containerd with its state in {@code dir}, its snapshotter {@code strata} at {@code snapshotterSocket}. */
  static ContainerdDaemon start(Path dir, Path snapshotterSocket) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.toml"), config(dir, snapshotterSocket));
    ContainerdDaemon daemon = new ContainerdDaemon(dir);
    daemon.launch();
    return daemon;
  }

  private void launch() throws IOException {
    process = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("containerd.log").toFile()))
        .start();
    Instant deadline = Instant.now().plus(DEADLINE);
    while (true) {
      if (!process.isAlive()) {
        throw new IOException("containerd exited " + process.exitValue() + ": " + log());
      }
      if (Files.exists(socket) && ctr(List.of("version")).exit() == 0) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("containerd did not answer within " + DEADLINE + ": " + log());
      }
      pause();
    }
  }

  /** Stops containerd (its containers' shims keep running, as after a daemon upgrade) and starts it again. */
  void restart() throws IOException {
    stop();
    launch();
  }

  Result ctr(List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString(), "--namespace", NAMESPACE));
    cmd.addAll(args);
    Path out = Files.createTempFile(dir, "ctr", ".out");
    Path err = Files.createTempFile(dir, "ctr", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      if (!p.waitFor(DEADLINE.toSeconds() * 2, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException("ctr " + args + " did not finish within " + DEADLINE.multipliedBy(2));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted running ctr " + args, e);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Runs ctr and fails on a non-zero exit. */
  String ctrOk(String... args) throws IOException {
    return ctr(List.of(args)).requireSuccess(List.of(args)).out();
  }

  String log() throws IOException {
    Path log = dir.resolve("containerd.log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
  }

  private void stop() throws IOException {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted stopping containerd", e);
    }
    process = null;
  }

  /** Removes the namespace's tasks and containers, stops containerd and its shims, unmounts leftovers. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      if (process != null && process.isAlive()) {
        for (String line : ctrOk("containers", "ls", "-q").split("\n")) {
          String id = line.trim();
          if (!id.isEmpty()) {
            ctr(List.of("tasks", "kill", "-s", "SIGKILL", id));
            awaitTaskGone(id);
            ctr(List.of("containers", "rm", id));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      failure = new IOException("could not remove containerd's containers", e);
    }
    stop();
    killShims();
    unmountUnder(dir);
    removeRuncNamespaceDir();
    if (failure != null) {
      throw failure;
    }
  }

  private void awaitTaskGone(String id) throws IOException {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (ctr(List.of("tasks", "delete", id)).exit() != 0 && ctr(List.of("tasks", "ls", "-q")).out().contains(id)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IOException("task " + id + " did not go within " + DEADLINE);
      }
      pause();
    }
  }

  /**
   * runc's state for the namespace lives where the runc shim always puts it, outside this
   * daemon's directory; once every container is gone it is an empty directory of ours.
   */
  private static void removeRuncNamespaceDir() throws IOException {
    Path runc = Path.of("/run/containerd/runc", NAMESPACE);
    if (Files.isDirectory(runc)) {
      try (var entries = Files.list(runc)) {
        if (entries.findAny().isPresent()) {
          return;
        }
      }
      Files.deleteIfExists(runc);
    }
  }

  /** Shims name this daemon's socket on their command line; they outlive the daemon by design. */
  private void killShims() {
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("containerd-shim") && c.contains(socket.toString())).orElse(false))
        .forEach(p -> {
          p.destroyForcibly();
          p.onExit().join();
        });
  }

  /** Unmounts every mount beneath {@code root}, deepest first (containerd leaves rootfs and shm mounts on a kill). */
  static void unmountUnder(Path root) throws IOException {
    List<String> targets = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String target = line.split(" ")[4].replace("\\040", " ");
      if (target.startsWith(root + "/")) {
        targets.add(target);
      }
    }
    targets.sort(Comparator.comparing(String::length).reversed());
    for (String target : targets) {
      try {
        Process p = new ProcessBuilder("umount", "-l", target).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
          throw new IOException("umount " + target + " failed: " + out);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted unmounting " + target, e);
      }
    }
  }

  /** Runs a shell command line (such as the mount command ctr prints) and fails on a non-zero exit. */
  static void sh(String commandLine) throws IOException {
    try {
      Process p = new ProcessBuilder("sh", "-c", commandLine).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(commandLine + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + commandLine, e);
    }
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for containerd", e);
    }
  }
}
