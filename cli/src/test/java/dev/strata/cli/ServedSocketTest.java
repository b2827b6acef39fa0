package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedSocketTest {

  @TempDir Path dir;

  /** A server that only listens: enough to tell whether the socket answers. */
  private static ServerSocketChannel listen(Path socket) throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    ch.bind(UnixDomainSocketAddress.of(socket));
    return ch;
  }

  private static GroupPrincipal group(String name) throws IOException {
    return SocketGroups.lookup(name);
  }

  @Test
  void publish_newPath_socketAnswersWithMode0660AndGroup() throws IOException {
    Path path = dir.resolve("run/strata.sock");
    try (ServedSocket s = ServedSocket.publish(path, group("4242"), ServedSocketTest::listen)) {
      assertTrue(s.answers(), "the published socket accepts connections");
      PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      assertTrue(a.isOther(), "a socket is at the path");
      assertEquals("rw-rw----", PosixFilePermissions.toString(a.permissions()), "socket mode");
      assertEquals(4242, (int) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS), "socket group");
      assertEquals(List.of("strata.sock"), names(path.getParent()), "no staging directory is left beside it");
    }
    assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "closing removes the socket");
  }

  @Test
  void publish_staleSocketOfADeadServer_replacesIt() throws IOException {
    Path path = dir.resolve("s.sock");
    listen(path).close(); // what a killed server leaves: the socket file, nobody listening
    assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS));
    try (ServedSocket s = ServedSocket.publish(path, group("root"), ServedSocketTest::listen)) {
      assertTrue(s.answers(), "the new server answers on the old path");
    }
  }

  @Test
  void publish_socketAnotherServerListensOn_throwsFailedPreconditionAndLeavesIt() throws Exception {
    Path path = dir.resolve("s.sock");
    try (AutoCloseable other = listen(path)) {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> ServedSocket.publish(path, group("root"), ServedSocketTest::listen));
      assertTrue(e.getMessage().contains("another server is listening on it"), e.getMessage());
      assertTrue(ServedSocket.publish(dir.resolve("t.sock"), group("root"), ServedSocketTest::listen).answers());
      assertEquals(List.of("s.sock", "t.sock"), names(dir), "the other server's socket is kept; no staging left");
    }
  }

  @Test
  void publish_regularFileInTheWay_throwsAlreadyExistsAndKeepsTheFile() throws IOException {
    Path path = dir.resolve("s.sock");
    Files.writeString(path, "keep me");
    AlreadyExistsException e = assertThrows(AlreadyExistsException.class,
        () -> ServedSocket.publish(path, group("root"), ServedSocketTest::listen));
    assertTrue(e.getMessage().contains("not a socket"), e.getMessage());
    assertEquals("keep me", Files.readString(path), "the file in the way is untouched");
  }

  @Test
  void publish_pathLongerThanASocketMayHave_throwsInvalidArgument() {
    Path path = dir.resolve("x".repeat(120) + ".sock");
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ServedSocket.publish(path, group("root"), ServedSocketTest::listen));
    assertTrue(e.getMessage().contains("107 bytes"), e.getMessage());
  }

  @Test
  void publish_binderFails_leavesNothingBehind() throws IOException {
    IOException e = assertThrows(IOException.class, () -> ServedSocket.publish(dir.resolve("s.sock"),
        group("root"), bound -> {
          throw new IOException("cannot bind");
        }));
    assertEquals("cannot bind", e.getMessage());
    assertEquals(List.of(), names(dir), "no socket and no staging directory");
  }

  @Test
  void close_socketReplacedByAnotherServer_leavesTheOtherOne() throws Exception {
    Path path = dir.resolve("s.sock");
    AtomicReference<AutoCloseable> mine = new AtomicReference<>();
    ServedSocket s = ServedSocket.publish(path, group("root"), bound -> {
      mine.set(listen(bound));
      return mine.get();
    });
    Files.delete(path);
    try (AutoCloseable other = listen(path)) {
      s.close();
      assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "another server's socket is not ours to remove");
    }
  }

  @Test
  void lookup_unknownGroup_throwsNotFoundNamingIt() {
    Exception e = assertThrows(dev.strata.driver.error.NotFoundException.class,
        () -> SocketGroups.lookup("no-such-group-strata"));
    assertTrue(e.getMessage().contains("--socket-group no-such-group-strata"), e.getMessage());
  }

  private static List<String> names(Path d) throws IOException {
    try (var s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
