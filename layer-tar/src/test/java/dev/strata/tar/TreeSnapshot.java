package dev.strata.tar;

import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every path below a root (the root itself excluded) with what a layer must reproduce: type,
 * permission bits, owner, size, content digest, link target, device number, xattrs and nanosecond
 * mtime (directories included). Two trees are the same view when their snapshots are equal.
 */
final class TreeSnapshot {

  private TreeSnapshot() {}

  static Map<String, String> of(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Xattrs xattrs = new Xattrs();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !p.equals(root)).toList();
    }
    for (Path p : paths) {
      Map<String, Object> a = Files.readAttributes(p,
          "unix:mode,uid,gid,size,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      StringBuilder b = new StringBuilder();
      b.append(Integer.toOctalString(mode)).append(" ").append(a.get("uid")).append(":").append(a.get("gid"));
      b.append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toInstant());
      FileType type = FileType.ofMode(mode);
      if (type == FileType.REGULAR) {
        b.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
      } else if (type == FileType.SYMLINK) {
        b.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (type.isDevice()) {
        b.append(" rdev=").append(Long.toHexString((Long) a.get("rdev")));
      }
      for (String name : xattrs.list(p).stream().sorted().toList()) {
        b.append(" ").append(name).append("=")
            .append(HexFormat.of().formatHex(xattrs.get(p, name).orElseThrow()));
      }
      out.put(root.relativize(p).toString(), b.toString());
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(Files.readAllBytes(file));
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
