package dev.strata.cli;

import dev.strata.console.ConsoleServer;
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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
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
 * --volume-plugin-socket}), and the web console ({@code --listen}). One line {@code ready} goes to
 * stdout once every socket and the console answer; logs go to stderr. Other {@code strata} commands keep working on the root meanwhile.
 */
@Command(name = "serve", description = {
    "Serve the root: a containerd snapshotter, a Docker volume plugin and a web console.",
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
      description = "Serve the web console here; a PORT alone listens on 127.0.0.1.")
  String listen;

  @Option(names = "--read-only", description = "The web console shows the root but serves no action.")
  boolean readOnly;

  @Option(names = "--socket-group", paramLabel = "GROUP",
      description = "Group owning the sockets, by name or number (default: ${DEFAULT-VALUE}); mode is 0660.")
  String socketGroup = "root";

  @Override
  public Integer call() throws Exception {
    Optional<InetSocketAddress> console = Optional.empty();
    if (listen != null) {
      try {
        console = Optional.of(ListenAddress.parse(listen));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--listen " + e.getMessage());
      }
    } else if (readOnly) {
      throw new ParameterException(spec.commandLine(), "--read-only applies to the web console: give --listen HOST:PORT too");
    }
    if (snapshotterSocket == null && volumePluginSocket == null && console.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "nothing to serve: give --snapshotter-socket PATH, --volume-plugin-socket PATH, --listen HOST:PORT or several");
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
      if (console.isPresent()) {
        // The console opens the stores for each request and holds none between them.
        ConsoleServer server = ConsoleServer.start(console.get(), top.storeConfig(), readOnly);
        open.push(server);
        err.println("strata serve: web console on " + server.uri() + (readOnly ? " (read-only)" : ""));
        if (!console.get().getAddress().isLoopbackAddress()) {
          err.println("strata serve: warning: the console has no login; anyone who reaches "
              + console.get().getAddress().getHostAddress() + " can see the root"
              + (readOnly ? "" : " and remove images, containers and volumes"));
        }
        try (Socket probe = new Socket(console.get().getAddress(), server.uri().getPort())) {
          // Connected: the console accepts connections, so 'ready' below tells the truth.
        }
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
