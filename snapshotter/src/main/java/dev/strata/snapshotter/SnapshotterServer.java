package dev.strata.snapshotter;

import dev.strata.driver.GraphDriver;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * A containerd snapshotter backed by a Strata {@link GraphDriver}: serves containerd's {@code
 * containerd.services.snapshots.v1.Snapshots} gRPC service on a unix socket, so that containerd
 * names it as a proxy plugin:
 *
 * <pre>{@code
 * [proxy_plugins.strata]
 *   type = "snapshot"
 *   address = "/run/strata/snapshotter.sock"
 * }</pre>
 *
 * <p>Each snapshot is a writable layer of the driver stacked on its parent's; containerd performs
 * the mounts it is given and unpacks layers into them itself. The snapshotter keeps its records
 * in {@code stateDir}, and on start repairs what a crash left: records without a layer are
 * dropped, layers without a record removed. The driver's home should be its own (not a layer
 * store's), since every layer in it that no record names is removed.
 *
 * <pre>{@code
 * try (GraphDriver driver = new GraphDrivers().open("overlay2", DriverConfig.of(home));
 *     SnapshotterServer server = SnapshotterServer.start(socket, stateDir, driver)) {
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Every request is treated as hostile: requests are bounded to {@link #MAX_REQUEST_BYTES}, keys
 * to 4096 bytes without NUL, labels to containerd's 4096 bytes a pair; a malformed request is
 * answered INVALID_ARGUMENT naming the problem.
 */
public final class SnapshotterServer implements AutoCloseable {

  /** Largest request accepted; containerd's requests are a key and a few labels. */
  public static final int MAX_REQUEST_BYTES = 1024 * 1024;

  private static final long GRACE_SECONDS = 5;

  private final Server server;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Path socket;
  private boolean closed;

  private SnapshotterServer(Server server, EventLoopGroup boss, EventLoopGroup workers, Path socket) {
    this.server = server;
    this.boss = boss;
    this.workers = workers;
    this.socket = socket;
  }

  /**
   * Reconciles the records in {@code stateDir} with {@code driver}'s layers and starts serving on
   * {@code socket}. The caller owns the driver (close it after this server) and may move the
   * socket file once bound (to set its permissions first, say).
   *
   * @throws java.nio.file.FileAlreadyExistsException if something exists at {@code socket}
   * @throws IOException if the records cannot be read or repaired, or the socket cannot be bound
   */
  public static SnapshotterServer start(Path socket, Path stateDir, GraphDriver driver) throws IOException {
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new java.nio.file.FileAlreadyExistsException(socket.toString(), null,
          "a file is in the way of the snapshotter's socket; remove it if no snapshotter is running");
    }
    SnapshotStore store = new SnapshotStore(driver, new RecordStore(stateDir.resolve("records")), Clock.systemUTC());
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    try {
      Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
          .channelType(EpollServerDomainSocketChannel.class)
          .bossEventLoopGroup(boss)
          .workerEventLoopGroup(workers)
          .maxInboundMessageSize(MAX_REQUEST_BYTES)
          .maxInboundMetadataSize(64 * 1024)
          .addService(new SnapshotsService(store))
          .build()
          .start();
      return new SnapshotterServer(server, boss, workers, socket);
    } catch (IOException | RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot serve snapshots on " + socket + ": " + e.getMessage(), e);
    }
  }

  /** The path the socket was bound at. */
  public Path socket() {
    return socket;
  }

  /** Blocks until the server is closed. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /**
   * Stops accepting calls, lets calls in flight finish for a few seconds, then cancels the rest.
   * Idempotent. Netty unlinks the socket file at the bound path when its channel closes (if one is
   * still there); a caller that moved the socket elsewhere removes that file itself.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    try {
      if (!server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      boss.shutdownGracefully(0, GRACE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
      workers.shutdownGracefully(0, GRACE_SECONDS, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
