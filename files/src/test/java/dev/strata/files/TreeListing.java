package dev.strata.files;

import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every path of a tree, the root included as {@code "."}, with what an exact copy must reproduce:
 * mode (type and all 12 permission bits), owner, content digest, link target, device number, raw
 * xattrs and nanosecond mtime. Two trees are the same copy when their listings are equal.
 */
final class TreeListing {

  private TreeListing() {}

  static Map<String, String> of(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Xattrs xattrs = new Xattrs();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.toList();
    }
    for (Path p : paths) {
      Map<String, Object> a = Files.readAttributes(p,
          "unix:mode,uid,gid,size,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
      StringBuilder b = new StringBuilder();
      b.append(Integer.toOctalString((Integer) a.get("mode")))
          .append(' ').append(a.get("uid")).append(':').append(a.get("gid"))
          .append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toInstant());
      if (Files.isSymbolicLink(p)) {
        b.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        b.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
      } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        b.append(" rdev=").append(Long.toHexString((Long) a.get("rdev")));
      }
      for (String name : xattrs.list(p).stream().sorted().toList()) {
        b.append(' ').append(name).append('=')
            .append(HexFormat.of().formatHex(xattrs.get(p, name).orElseThrow()));
      }
      String key = p.equals(root) ? "." : root.relativize(p).toString();
      out.put(key, b.toString());
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }
}
