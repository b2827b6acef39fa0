package dev.strata.cli;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * One server published on a unix socket at a path runtimes know. The server binds in a private
 * directory beside the path, the socket is given mode 0660 and its group there, and a rename puts
 * it in place: nobody can connect before its permissions are set, and a runtime polling the path
 * never sees a socket that does not answer yet. Closing stops the server and removes the socket
 * if it is still the one published.
 */
final class ServedSocket implements AutoCloseable {

  /** Starts a server bound to a socket at the given path, which does not exist yet. */
  interface Binder {
    AutoCloseable bind(Path socket) throws IOException;
  }

  /** {@code sun_path} is 108 bytes with its terminating NUL. */
  private static final int MAX_PATH_BYTES = 107;

  private final Path path;
  private final AutoCloseable server;
  private final Object fileKey;
  private boolean closed;

  private ServedSocket(Path path, AutoCloseable server, Object fileKey) {
    this.path = path;
    this.server = server;
    this.fileKey = fileKey;
  }

  /**
   * Binds {@code binder}'s server and publishes its socket at {@code path}, owned by {@code group}
   * with mode 0660. A socket left at the path by a server that died is replaced; one that still
   * answers, or a file that is not a socket, is refused.
   */
  static ServedSocket publish(Path path, GroupPrincipal group, Binder binder) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    String flag = "socket " + absolute;
    if (absolute.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
      throw new InvalidArgumentException(absolute.toString(),
          flag + ": longer than the " + MAX_PATH_BYTES + " bytes a unix socket path may have");
    }
    Path parent = absolute.getParent();
    Files.createDirectories(parent);
    refuseInUse(absolute);
    // Long enough for the socket inside it: a short name beside the final path.
    Path staging = Files.createTempDirectory(parent, ".strata-");
    try {
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx------"));
      Path bound = staging.resolve("s");
      AutoCloseable server = binder.bind(bound);
      try {
        Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-rw----"));
        Files.getFileAttributeView(bound, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setGroup(group);
        Object key = Files.readAttributes(bound, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Files.move(bound, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new ServedSocket(absolute, server, key);
      } catch (IOException | RuntimeException e) {
        closeQuietly(server, e);
        throw e;
      }
    } finally {
      Files.deleteIfExists(staging.resolve("s"));
      Files.deleteIfExists(staging);
    }
  }

  Path path() {
    return path;
  }

  /** True when a client can connect to the published socket now. */
  boolean answers() {
    return answers(path);
  }

  private static boolean answers(Path socket) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return c.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      return false;
    }
  }

  private static void refuseInUse(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isOther()) {
      throw new AlreadyExistsException(path.toString(),
          "socket " + path + ": a file that is not a socket is in the way; remove it or choose another path");
    }
    if (answers(path)) {
      throw new FailedPreconditionException(path.toString(),
          "socket " + path + ": another server is listening on it; stop it or choose another path");
    }
    // A socket nobody listens on is what a server that died leaves; the rename replaces it.
  }

  private static void closeQuietly(AutoCloseable server, Exception cause) {
    try {
      server.close();
    } catch (Exception e) {
      cause.addSuppressed(e);
    }
  }

  /** Stops the server, then removes the socket unless another server has published over it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("stopping the server on " + path + ": " + e.getMessage(), e);
    } finally {
      removeIfOurs();
    }
  }

  private void removeIfOurs() throws IOException {
    try {
      Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (key != null && key.equals(fileKey)) {
        Files.delete(path);
      }
    } catch (java.nio.file.NoSuchFileException gone) {
      // Already removed by hand: nothing to clean.
    }
  }
}
