package dev.strata.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS endpoint on {@code 127.0.0.1} that answers every connection with a TLS handshake
 * presenting {@code context}'s certificate and then closes it, never speaking HTTP: enough to see
 * what a client decides about the certificate. Connections are served one at a time by one
 * thread, which {@link #close()} stops and waits for.
 */
final class HandshakeOnlyServer implements AutoCloseable {

  private final ServerSocket listener;
  private final SSLContext context;
  private final AtomicInteger connections = new AtomicInteger();
  private final Thread acceptor;

  HandshakeOnlyServer(SSLContext context) throws IOException {
    this.context = context;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::serve, "handshake-only-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:port}, as a registry is named. */
  String host() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (Socket socket = listener.accept()) {
        connections.incrementAndGet();
        // A stuck client must not stall close(): the handshake gives up after this long.
        socket.setSoTimeout(30_000);
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, socket.getPort(), false)) {
          tls.setUseClientMode(false);
          tls.startHandshake();
        } catch (IOException refusedByTheClient) {
          // Clients that do not trust the certificate end the handshake: that is what is tested.
        }
      } catch (IOException e) {
        if (!listener.isClosed()) {
          throw new IllegalStateException("test TLS server on " + host() + " failed", e);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    try {
      acceptor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while stopping the test TLS server on " + host(), e);
    }
  }
}
