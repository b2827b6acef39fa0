package dev.strata.console;

import dev.strata.layer.LayerStoreConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The web console: pages and the JSON API under {@code /api/} over one storage root, served on a
 * TCP address until {@link #close()}.
 *
 * <pre>{@code
 * LayerStoreConfig store = new LayerStoreConfig(root, Optional.empty(), Map.of(), Mounter.system());
 * try (ConsoleServer console = ConsoleServer.start(new InetSocketAddress("127.0.0.1", 8080), store, false)) {
 *   System.err.println("console on " + console.uri());
 *   // ...until asked to stop
 * }
 * }</pre>
 *
 * <p>The server holds no store open between requests: each request opens the stores, answers and
 * closes them, so other {@code strata} processes (and {@code strata check}, which must run alone)
 * work on the root meanwhile and every answer is what the root holds now. Actions (removing an
 * image or a container, pruning volumes) need the per-session token the pages carry; a read-only
 * console refuses them all.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final int MAX_THREADS = 24;
  private static final int MIN_THREADS = 2;
  private static final int MAX_CONNECTIONS = 64;
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** Request line and headers together: far above what a browser sends to these pages. */
  private static final int MAX_HEADER_BYTES = 8 * 1024;

  private final Server server;
  private final EventStream events;
  private final URI uri;
  private boolean closed;

  private ConsoleServer(Server server, EventStream events, URI uri) {
    this.server = server;
    this.events = events;
    this.uri = uri;
  }

  /**
   * Binds {@code address} and serves the console of the root {@code store} describes.
   *
   * @param address where to listen; port 0 picks a free one ({@link #uri()} tells which)
   * @param store the root, driver and options every request opens the stores with
   * @param readOnly serve no action: every POST and DELETE is refused with 403
   * @throws IOException if the address cannot be bound
   */
  public static ConsoleServer start(InetSocketAddress address, LayerStoreConfig store, boolean readOnly)
      throws IOException {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(store, "store");
    if (address.isUnresolved()) {
      throw new IOException("cannot serve the web console on " + address + ": the host name does not resolve");
    }
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS);
    threads.setName("strata-console");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
    StoreAccess access = new StoreAccess(store);
    ChangeWatch watch = new ChangeWatch(access);
    EventStream events = new EventStream(watch);
    server.setHandler(new ConsoleHandler(new Api(access, watch, readOnly), new Assets(),
        new HostCheck(address.getAddress()), events));
    server.setErrorHandler(new JsonErrorHandler());
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception stop) {
        e.addSuppressed(stop);
      }
      throw new IOException("cannot serve the web console on " + address + ": " + e.getMessage(), e);
    }
    String host = address.getAddress() instanceof java.net.Inet6Address
        ? "[" + address.getHostString() + "]" : address.getHostString();
    return new ConsoleServer(server, events, URI.create("http://" + host + ":" + connector.getLocalPort() + "/"));
  }

  /** Where the console answers, {@code http://HOST:PORT/} with the port actually bound. */
  public URI uri() {
    return uri;
  }

  /**
   * Stops serving; requests in progress finish. Idempotent.
   *
   * @throws IOException if the server could not stop cleanly
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    // Open event streams end at their next poll, so stopping waits for none of them.
    events.stop();
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("the web console on " + uri + " did not stop cleanly: " + e.getMessage(), e);
    }
  }
}
