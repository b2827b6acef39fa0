package dev.strata.cli;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.Mounter;
import dev.strata.layer.LayerStore;
import dev.strata.snapshotter.SnapshotterServer;
import dev.strata.volume.VolumeStore;
import dev.strata.volumeplugin.VolumePluginServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata serve}: the root served to runtimes through their plug-in points, in the
 * foreground until SIGTERM or SIGINT. Each face is off unless its socket is given: containerd's
 * proxy snapshotter ({@code --snapshotter-socket}) and Docker's volume plugin ({@code
 * --volume-plugin-socket}). One line {@code ready} goes to stdout once every socket answers; logs
 * go to stderr. Other {@code strata} commands keep working on the root meanwhile.
 */
@Command(name = "serve", description = {
    "Serve the root to runtimes: a containerd snapshotter and a Docker volume plugin.",
    "Runs in the foreground until SIGTERM or SIGINT; prints 'ready' once every socket answers."})
final class ServeCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--snapshotter-socket", paramLabel = "PATH",
      description = "Serve containerd's snapshots API (proxy plugin) on this unix socket.")
  Path snapshotterSocket;

  @Option(names = "--volume-plugin-socket", paramLabel = "PATH",
      description = "Serve Docker's volume plugin API on this unix socket "
          + "(/run/docker/plugins/NAME.sock makes it Docker's volume driver NAME).")
  Path volumePluginSocket;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Reserved for the web console; not served by this version.")
  String listen;

  @Option(names = "--socket-group", paramLabel = "GROUP",
      description = "Group owning the sockets, by name or number (default: ${DEFAULT-VALUE}); mode is 0660.")
  String socketGroup = "root";

  @Override
  public Integer call() throws Exception {
    if (listen != null) {
      throw new ParameterException(spec.commandLine(),
          "--listen: the web console is not part of this version; serve sockets only");
    }
    if (snapshotterSocket == null && volumePluginSocket == null) {
      throw new ParameterException(spec.commandLine(),
          "nothing to serve: give --snapshotter-socket PATH, --volume-plugin-socket PATH or both");
    }
    PrintWriter err = spec.commandLine().getErr();
    GroupPrincipal group = SocketGroups.lookup(socketGroup);
    Files.createDirectories(top.root);
    StopSignals signals = StopSignals.install();
    Deque<AutoCloseable> open = new ArrayDeque<>();
    try (ServeLock lock = ServeLock.take(top.root)) {
      if (snapshotterSocket != null) {
        GraphDriver driver = openSnapshotterDriver();
        open.push(driver);
        Path state = top.root.resolve("snapshotter").resolve(driver.name()).resolve("snapshots");
        Files.createDirectories(state);
        ServedSocket s = ServedSocket.publish(snapshotterSocket, group,
            bound -> SnapshotterServer.start(bound, state, driver));
        open.push(s);
        err.println("strata serve: containerd snapshotter on " + s.path() + " (driver " + driver.name()
            + ", snapshots in " + driver.home().getParent() + ")");
      }
      if (volumePluginSocket != null) {
        VolumeStore volumes = VolumeStore.open(top.root, Mounter.system());
        open.push(volumes);
        ServedSocket s = ServedSocket.publish(volumePluginSocket, group,
            bound -> VolumePluginServer.start(bound, volumes));
        open.push(s);
        err.println("strata serve: Docker volume plugin on " + s.path() + " (volumes in "
            + volumes.directory() + ")");
      }
      for (AutoCloseable c : open) {
        if (c instanceof ServedSocket s && !s.answers()) {
          throw new IOException("socket " + s.path() + " does not accept connections after it was published");
        }
      }
      spec.commandLine().getOut().println("ready");
      spec.commandLine().getOut().flush();
      err.flush();
      String signal = signals.await();
      err.println("strata serve: " + signal + " received; stopping");
      closeAll(open);
      err.println("strata serve: stopped");
      return ExitCodes.OK;
    } finally {
      closeAll(open);
    }
  }

  /**
   * containerd's snapshots live beside the layer store, under {@code <root>/snapshotter/<driver>},
   * with a driver home of their own: the store's recovery and {@code check} never take them for
   * leftovers, and their ids never meet the store's. The driver is the root's own.
   */
  private GraphDriver openSnapshotterDriver() throws IOException {
    String name;
    try (LayerStore store = top.openStore()) {
      name = store.driverName();
    }
    Path home = top.root.resolve("snapshotter").resolve(name).resolve("layers");
    return new GraphDrivers().open(name, new DriverConfig(home, top.storageOptions, Mounter.system()));
  }

  private static void closeAll(Deque<AutoCloseable> open) throws Exception {
    Exception first = null;
    while (!open.isEmpty()) {
      try {
        open.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
