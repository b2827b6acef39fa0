package dev.strata.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of the test's own, beside the system's: its own containerd, data root, exec
 * root, pid file and API socket, all under one directory, so that nothing it does touches the
 * engine other tests use. The only shared place is {@code /run/docker/plugins}, where Docker finds
 * plugins by name, so a test's plugin takes a name of its own.
 *
 * <p>dockerd would take the system containerd whenever {@code /run/containerd/containerd.sock}
 * exists (and run its containers in the same {@code moby} namespace as the system engine), so
 * this engine is given a containerd of its own with {@code --containerd}. Networking is off
 * ({@code --bridge=none}, {@code --iptables=false}); containers run with {@code --network none}.
 *
 * <p>{@link #close()} stops dockerd and containerd and waits for them, ends shims they left, and
 * unmounts whatever is still mounted under the directory.
 */
final class PrivateDockerd implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(90);
  private static final Duration STOP = Duration.ofSeconds(60);
  private static final Duration CLI = Duration.ofSeconds(120);

  private final Path dir;
  private final Path containerdSocket;
  private final Path apiSocket;
  private Process containerd;
  private Process dockerd;

  private PrivateDockerd(Path dir) {
    this.dir = dir;
    this.containerdSocket = dir.resolve("containerd/containerd.sock");
    this.apiSocket = dir.resolve("docker.sock");
  }

  /** Starts containerd and dockerd keeping everything under {@code dir}, and waits until the API answers. */
  static PrivateDockerd start(Path dir) throws IOException, InterruptedException {
    PrivateDockerd engine = new PrivateDockerd(dir);
    try {
      engine.startContainerd();
      engine.startDockerd();
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        engine.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return engine;
  }

  /** Stops dockerd, waits for it, and starts it again on the same directories. */
  void restart() throws IOException, InterruptedException {
    stop(dockerd, "dockerd");
    dockerd = null;
    startDockerd();
  }

  /** What one {@code docker} command did. */
  record Result(int exit, String out, String err) {}

  /** Runs {@code docker -H <this engine> args...}. */
  Result docker(String... args) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of("docker", "-H", "unix://" + apiSocket));
    line.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(line);
    Map<String, String> env = builder.environment();
    env.remove("DOCKER_HOST");
    env.remove("DOCKER_CONTEXT");
    env.put("DOCKER_CONFIG", dir.resolve("cli").toString());
    Path out = Files.createTempFile(dir, "docker-out", ".txt");
    Path err = Files.createTempFile(dir, "docker-err", ".txt");
    Process p = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      if (!p.waitFor(CLI.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IOException("docker " + String.join(" ", args) + " did not finish in " + CLI);
      }
      return new Result(p.exitValue(), Files.readString(out).trim(), Files.readString(err).trim());
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** Runs a {@code docker} command that must succeed and returns its output. */
  String dockerOk(String... args) throws IOException, InterruptedException {
    Result r = docker(args);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
    }
    return r.out();
  }

  private void startContainerd() throws IOException, InterruptedException {
    Path home = Files.createDirectories(dir.resolve("containerd"));
    Path config = home.resolve("config.toml");
    // No CRI (it would want CNI), no debug or metrics listeners; every path under home.
    Files.writeString(config, """
        version = 2
        root = "%1$s/root"
        state = "%1$s/state"
        disabled_plugins = ["io.containerd.grpc.v1.cri"]
        [grpc]
          address = "%2$s"
        [ttrpc]
          address = "%2$s.ttrpc"
        [debug]
          address = ""
        [metrics]
          address = ""
        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"
        """.formatted(home, containerdSocket));
    containerd = new ProcessBuilder("containerd", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
    awaitUp("containerd", containerd, () -> Files.exists(containerdSocket), dir.resolve("containerd.log"));
  }

  private void startDockerd() throws IOException, InterruptedException {
    Path config = dir.resolve("daemon.json");
    // Its own (empty) configuration: /etc/docker/daemon.json belongs to the system engine.
    Files.writeString(config, "{}");
    Path log = dir.resolve("dockerd.log");
    dockerd = new ProcessBuilder("dockerd",
        "--config-file", config.toString(),
        "--data-root", dir.resolve("data-root").toString(),
        "--exec-root", dir.resolve("exec-root").toString(),
        "--pidfile", dir.resolve("docker.pid").toString(),
        "-H", "unix://" + apiSocket,
        "--containerd", containerdSocket.toString(),
        "--storage-driver", "vfs",
        "--iptables=false", "--ip-masq=false", "--bridge=none", "--userland-proxy=false",
        "--log-level", "warn")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    awaitUp("dockerd", dockerd, () -> Files.exists(apiSocket) && docker("version").exit() == 0, log);
  }

  private interface Probe {
    boolean ready() throws IOException, InterruptedException;
  }

  private static void awaitUp(String what, Process process, Probe probe, Path log)
      throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(START);
    while (!probe.ready()) {
      if (!process.isAlive()) {
        throw new IOException(what + " exited " + process.exitValue() + ": " + tail(log));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IOException(what + " did not come up in " + START + ": " + tail(log));
      }
      Thread.sleep(100);
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
  }

  private static void stop(Process process, String what) throws InterruptedException, IOException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM: dockerd and containerd shut down cleanly on it
    if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IOException(what + " did not stop in " + STOP + " after SIGTERM; killed");
    }
  }

  @Override
  public void close() throws IOException {
    List<Exception> failures = new ArrayList<>();
    try {
      stop(dockerd, "dockerd");
    } catch (IOException | InterruptedException e) {
      failures.add(e);
    }
    try {
      PrivateDockerdLeftovers.endShims(containerdSocket);
      stop(containerd, "containerd");
    } catch (IOException | InterruptedException e) {
      failures.add(e);
    }
    try {
      PrivateDockerdLeftovers.unmountUnder(dir);
    } catch (IOException | InterruptedException e) {
      failures.add(e);
    }
    if (failures.stream().anyMatch(InterruptedException.class::isInstance)) {
      Thread.currentThread().interrupt();
    }
    if (!failures.isEmpty()) {
      IOException failure = new IOException("the private Docker engine in " + dir + " did not shut down cleanly");
      failures.forEach(failure::addSuppressed);
      throw failure;
    }
  }
}
