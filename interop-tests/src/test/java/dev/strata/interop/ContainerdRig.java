package dev.strata.interop;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.snapshotter.SnapshotterServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's containerd using Strata as its snapshotter {@code strata}: a driver on its own home, the
 * {@link SnapshotterServer} in this JVM on a socket, and the daemon. Either side restarts on its
 * own; {@link #close()} stops the daemon first, then the server, then the driver.
 */
final class ContainerdRig implements AutoCloseable {

  private final Path dir;
  private final GraphDriver driver;
  private final Path socket;
  private SnapshotterServer server;
  private ContainerdDaemon daemon;

  private ContainerdRig(Path dir, GraphDriver driver) {
    this.dir = dir;
    this.driver = driver;
    this.socket = dir.resolve("strata.sock");
  }

  /** @param home the driver's home, on a filesystem the driver supports */
  static ContainerdRig start(String driverName, Path home, Path dir) throws IOException {
    GraphDriver driver = new GraphDrivers().open(driverName, DriverConfig.of(home));
    ContainerdRig rig = new ContainerdRig(dir, driver);
    try {
      rig.server = SnapshotterServer.start(rig.socket, dir.resolve("snapshotter"), driver);
      rig.daemon = ContainerdDaemon.start(dir.resolve("containerd"), rig.socket);
    } catch (IOException | RuntimeException e) {
      try {
        rig.close();
      } catch (IOException | RuntimeException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
    return rig;
  }

  ContainerdDaemon containerd() {
    return daemon;
  }

  GraphDriver driver() {
    return driver;
  }

  /** Closes the snapshotter and starts it again on the same records, under the running containerd. */
  void restartSnapshotter() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    server = SnapshotterServer.start(socket, dir.resolve("snapshotter"), driver);
  }

  @Override
  public void close() throws IOException {
    try (GraphDriver d = driver) {
      try {
        if (daemon != null) {
          daemon.close();
        }
      } finally {
        if (server != null) {
          server.close();
        }
        Files.deleteIfExists(socket);
        ContainerdDaemon.unmountUnder(dir);
      }
    }
  }
}
