package dev.strata.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One virtiofsd serving one directory to the guest over a vhost-user socket. QEMU 7.2 ships the C
 * daemon; later Debian releases the Rust one in its own package, which takes the same options.
 */
final class VirtioFsd implements AutoCloseable {

  private static final List<Path> DAEMONS =
      List.of(Path.of("/usr/lib/qemu/virtiofsd"), Path.of("/usr/libexec/virtiofsd"));

  private final Process process;
  private final Path socket;

  private VirtioFsd(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  /**
   * Starts serving {@code source} on {@code socket}, logging to {@code log}; returns once the socket
   * exists, or throws with the daemon's log if it exits first.
   *
   * @param cacheAlways whether the guest may cache everything (for a tree nothing changes meanwhile)
   */
  static VirtioFsd start(Path source, Path socket, boolean cacheAlways, Path log)
      throws IOException, InterruptedException {
    Path daemon = DAEMONS.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new IOException("no virtiofsd at " + DAEMONS + "; install qemu-system-x86"));
    Process p = new ProcessBuilder(daemon.toString(), "--socket-path=" + socket, "-o", "source=" + source,
        "-o", "sandbox=chroot", "-o", cacheAlways ? "cache=always" : "cache=auto")
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    VirtioFsd fsd = new VirtioFsd(p, socket);
    // The daemon answers no request before QEMU connects; its socket is the only sign of readiness.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(socket)) {
      if (p.waitFor(50, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
        fsd.close();
        throw new IOException("virtiofsd for " + source + " made no socket (" + (p.isAlive() ? "still running"
            : "exit " + p.exitValue()) + "): " + Files.readString(log).strip());
      }
    }
    return fsd;
  }

  Path socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(socket);
  }
}
