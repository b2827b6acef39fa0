package dev.strata.volumeplugin;

import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves Docker's legacy (v1) volume plugin protocol on a unix socket from a {@link VolumeStore},
 * so that Docker's volumes of this driver are Strata volumes:
 *
 * <pre>{@code
 * try (VolumeStore volumes = VolumeStore.open(root);
 *      VolumePluginServer plugin = VolumePluginServer.start(staging, volumes)) {
 *   Files.move(staging, Path.of("/run/docker/plugins/strata.sock"), ATOMIC_MOVE);
 *   // docker volume create -d strata -o type=tmpfs -o device=tmpfs -o o=size=64m scratch
 *   // docker run -v scratch:/data ...
 * }
 * }</pre>
 *
 * Docker finds a plugin by its socket's name under {@code /run/docker/plugins}, so the socket is
 * best bound elsewhere, given its permissions, and renamed into place: Docker never connects to a
 * half-made one. The calls ({@code /Plugin.Activate}, {@code /VolumeDriver.Create}, {@code .Remove},
 * {@code .Get}, {@code .List}, {@code .Path}, {@code .Mount}, {@code .Unmount}, {@code
 * .Capabilities}) run the store's own operations, so names, options and the in-use rule are those
 * of {@code strata volume}, and a refusal reaches the Docker user in the store's words. Each of
 * Docker's mount ids holds one mount of the volume, kept by the store across restarts.
 *
 * <p>Bodies are bounded ({@value PluginHandler#MAX_BODY} bytes), only {@code POST} is served, and
 * the calls run on a small pool of threads; the server does not own the store and leaves it open.
 */
public final class VolumePluginServer implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(VolumePluginServer.class.getName());
  private static final int MAX_THREADS = 8;
  private static final int MIN_THREADS = 2;
  /** An idle connection Docker keeps for its next call is closed after this. */
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Docker holds a few connections; past this, a client opening more waits to be accepted. */
  private static final int MAX_CONNECTIONS = 32;

  private final Server server;
  private final Path socket;
  private boolean closed;

  private VolumePluginServer(Server server, Path socket) {
    this.server = server;
    this.socket = socket;
  }

  /**
   * Binds {@code socket} and serves the plugin protocol from {@code volumes} until {@link #close()}.
   *
   * @param socket where to bind; must not exist
   * @throws FileAlreadyExistsException if {@code socket} exists (a plugin serving already, or a
   *     stale socket to remove first)
   * @throws IOException if the socket cannot be bound
   */
  public static VolumePluginServer start(Path socket, VolumeStore volumes) throws IOException {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(volumes, "volumes");
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(socket.toString(), null,
          "the volume plugin's socket exists already; stop the plugin serving there or remove the stale socket");
    }
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
    threads.setName("strata-volume-plugin");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    // One acceptor and one selector: Docker makes a handful of calls at a time.
    UnixDomainServerConnector connector = new UnixDomainServerConnector(server, 1, 1, new BlankHostConnectionFactory(http));
    connector.setUnixDomainPath(socket);
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    server.setHandler(new PluginHandler(new StoreVolumeDriver(volumes)));
    server.setErrorHandler(new JsonErrorHandler());
    try {
      server.start();
    } catch (Exception e) {
      stop(server, e);
      throw new IOException("cannot serve the volume plugin on " + socket + ": " + e.getMessage(), e);
    }
    LOG.log(System.Logger.Level.DEBUG, "volume plugin serving on {0}", socket);
    return new VolumePluginServer(server, socket);
  }

  /** The socket this server was bound at (it may have been renamed since). */
  public Path socket() {
    return socket;
  }

  /**
   * Stops serving: no new calls are taken, calls in progress finish. A socket still at the path
   * it was bound at is deleted; one renamed since (into {@code /run/docker/plugins}) is left for
   * its owner to remove. Idempotent.
   *
   * @throws IOException if the server could not stop cleanly
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("the volume plugin on " + socket + " did not stop cleanly: " + e.getMessage(), e);
    }
  }

  private static void stop(Server server, Exception cause) {
    try {
      server.stop();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }
}
