package dev.strata.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * What surrounds the code under test, for proving that a refused input changed nothing outside
 * its target: per path (without following symlinks) its type, mode, owner, size, mtime, inode
 * number and link count, and a hash of its content or symlink target. Two snapshots are equal
 * exactly when nothing in the tree changed, a file replaced by an identical copy included. {@link
 * TreeSnapshot} is the other tree fixture: it compares two trees meant to look alike.
 *
 * <pre>{@code
 * Map<String, String> before = SurroundingsSnapshot.of(tmp, p -> p.startsWith(target));
 * assertThrows(CorruptException.class, () -> apply(hostileTar, target));
 * assertEquals(before, SurroundingsSnapshot.of(tmp, p -> p.startsWith(target)));
 * }</pre>
 */
public final class SurroundingsSnapshot {

  private SurroundingsSnapshot() {}

  /** Every path under {@code root} (relative; {@code ""} for the root) but those {@code exclude} matches. */
  public static Map<String, String> of(Path root, Predicate<Path> exclude) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !exclude.test(p)).forEach(p -> out.put(root.relativize(p).toString(), describe(p)));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  private static String describe(Path p) {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,nlink,ino",
          LinkOption.NOFOLLOW_LINKS);
      String body;
      if (Files.isSymbolicLink(p)) {
        body = "-> " + Files.readSymbolicLink(p);
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        body = sha256(Files.readAllBytes(p));
      } else {
        body = "";
      }
      return Integer.toOctalString((Integer) a.get("mode")) + " " + a.get("uid") + ":" + a.get("gid") + " "
          + a.get("size") + " " + a.get("lastModifiedTime") + " n" + a.get("nlink") + " i" + a.get("ino") + " " + body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
