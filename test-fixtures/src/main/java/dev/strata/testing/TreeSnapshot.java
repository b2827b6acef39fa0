package dev.strata.testing;

import dev.strata.posix.FileNodes;
import dev.strata.posix.RawNames;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.opentest4j.AssertionFailedError;

/**
 * Everything observable about a directory tree, by path ({@code /} for the root, {@code /etc/motd}
 * below it): type, mode, owner, size and sha256 of content, symlink target, device numbers, xattrs,
 * mtime, and which paths share an inode. Two snapshots compare field by field; a mismatch lists
 * every differing path in a readable report.
 *
 * <pre>{@code
 * TreeSnapshot.of(layerView).assertMatches(TreeSnapshot.of(referenceDir), Times.FILES_TO_SECONDS);
 * }</pre>
 */
public final class TreeSnapshot {

  public enum Type { DIR, FILE, SYMLINK, FIFO, CHAR, BLOCK, SOCKET }

  /** How modification times take part in a comparison. */
  public enum Times {
    /** Ignore all times: trees built at different moments. */
    IGNORE,
    /** Non-directories to the second: tar headers carry whole seconds. */
    FILES_TO_SECONDS,
    /** Every entry, directories included, to the nanosecond: an exact copy. */
    EXACT
  }

  /**
   * One path.
   *
   * @param device {@code major:minor} for device nodes, else empty
   * @param linkGroup for an inode with several names in the tree, the first of them; else empty
   */
  public record Entry(Type type, int mode, int uid, int gid, long size, String sha256,
      String linkTarget, String device, Map<String, String> xattrs, Instant mtime, String linkGroup) {

    public Entry {
      xattrs = Collections.unmodifiableMap(new TreeMap<>(xattrs));
    }

    @Override
    public String toString() {
      return type + " " + String.format("%04o", mode) + " " + uid + ":" + gid
          + (type == Type.FILE ? " size=" + size + " sha256=" + sha256 : "")
          + (linkTarget.isEmpty() ? "" : " -> " + linkTarget)
          + (device.isEmpty() ? "" : " dev=" + device)
          + (xattrs.isEmpty() ? "" : " xattrs=" + xattrs)
          + (linkGroup.isEmpty() ? "" : " linked-with=" + linkGroup)
          + " mtime=" + mtime;
    }
  }

  /** Set by the kernel or a security module, not by layers. */
  private static final Set<String> LABELS = Set.of("security.selinux");
  private static final int S_IFMT = 0170000;

  private final SortedMap<String, Entry> entries;

  private TreeSnapshot(SortedMap<String, Entry> entries) {
    this.entries = Collections.unmodifiableSortedMap(entries);
  }

  /**
   * The tree below {@code root}, {@code security.selinux} left out: a security module labels a
   * layer's view and a reference directory each its own way.
   */
  public static TreeSnapshot of(Path root) throws IOException {
    return of(root, LABELS);
  }

  /** The tree below {@code root} with every xattr, labels too: for a copy, which must carry them. */
  public static TreeSnapshot ofCopy(Path root) throws IOException {
    return of(root, Set.of());
  }

  private static TreeSnapshot of(Path root, Set<String> ignoredXattrs) throws IOException {
    Xattrs xattrs = new Xattrs();
    SortedMap<String, Map<String, Object>> raw = new TreeMap<>();
    Map<String, Map<String, String>> attrs = new HashMap<>();
    Map<String, String> hashes = new HashMap<>();
    Map<String, Path> paths = new HashMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
        record(dir);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        record(file);
        if (a.isRegularFile()) {
          hashes.put(key(root, file), sha256(file));
        }
        return FileVisitResult.CONTINUE;
      }

      private void record(Path p) throws IOException {
        String k = key(root, p);
        paths.put(k, p);
        raw.put(k, Files.readAttributes(p, "unix:mode,uid,gid,size,ino,dev,nlink,rdev,lastModifiedTime",
            LinkOption.NOFOLLOW_LINKS));
        Map<String, String> x = new TreeMap<>();
        for (String name : xattrs.list(p)) {
          if (!ignoredXattrs.contains(name)) {
            x.put(name, xattrs.get(p, name).map(HexFormat.of()::formatHex).orElse(""));
          }
        }
        attrs.put(k, x);
      }
    });
    Map<String, String> firstName = new HashMap<>();
    for (var e : raw.entrySet()) {
      if ((Integer) e.getValue().get("nlink") > 1 && typeOf(e.getValue()) != Type.DIR) {
        firstName.putIfAbsent(inode(e.getValue()), e.getKey());
      }
    }
    SortedMap<String, Entry> entries = new TreeMap<>();
    for (var e : raw.entrySet()) {
      Map<String, Object> a = e.getValue();
      Type type = typeOf(a);
      long rdev = (Long) a.get("rdev");
      String group = type != Type.DIR && (Integer) a.get("nlink") > 1 ? firstName.get(inode(a)) : "";
      entries.put(e.getKey(), new Entry(type, (Integer) a.get("mode") & 07777,
          (Integer) a.get("uid"), (Integer) a.get("gid"),
          type == Type.FILE ? (Long) a.get("size") : 0,
          hashes.getOrDefault(e.getKey(), ""),
          type == Type.SYMLINK ? RawNames.printable(Files.readSymbolicLink(paths.get(e.getKey()))) : "",
          type == Type.CHAR || type == Type.BLOCK ? FileNodes.major(rdev) + ":" + FileNodes.minor(rdev) : "",
          attrs.get(e.getKey()), ((FileTime) a.get("lastModifiedTime")).toInstant(), group));
    }
    return new TreeSnapshot(entries);
  }

  /**
   * The same tree without its root entry, for comparing what two directories hold when their own
   * attributes differ by nature (a scratch directory and the directory a tool extracted into).
   */
  public TreeSnapshot withoutRoot() {
    SortedMap<String, Entry> below = new TreeMap<>(entries);
    below.remove("/");
    return new TreeSnapshot(below);
  }

  public SortedMap<String, Entry> entries() {
    return entries;
  }

  public Set<String> paths() {
    return entries.keySet();
  }

  public Entry get(String path) {
    Entry e = entries.get(path);
    if (e == null) {
      throw new AssertionFailedError("no entry " + path + " in " + entries.keySet());
    }
    return e;
  }

  /** Fails with a report of every difference when this tree is not {@code expected}. */
  public void assertMatches(TreeSnapshot expected, Times times) {
    List<String> diffs = differences(expected, times);
    if (!diffs.isEmpty()) {
      int shown = Math.min(diffs.size(), 60);
      throw new AssertionFailedError("trees differ in " + diffs.size() + " place(s) (times: " + times + "):\n  "
          + String.join("\n  ", diffs.subList(0, shown))
          + (shown < diffs.size() ? "\n  ... and " + (diffs.size() - shown) + " more" : ""));
    }
  }

  /** Readable lines, one per difference: missing, unexpected, or a field that differs. */
  public List<String> differences(TreeSnapshot expected, Times times) {
    List<String> out = new ArrayList<>();
    for (var e : expected.entries.entrySet()) {
      Entry actual = entries.get(e.getKey());
      if (actual == null) {
        out.add("missing    " + e.getKey() + "  (expected " + e.getValue() + ")");
      } else {
        compare(e.getKey(), e.getValue(), actual, times, out);
      }
    }
    for (var e : entries.entrySet()) {
      if (!expected.entries.containsKey(e.getKey())) {
        out.add("unexpected " + e.getKey() + "  (" + e.getValue() + ")");
      }
    }
    return out;
  }

  private static void compare(String path, Entry want, Entry got, Times times, List<String> out) {
    field(out, path, "type", want.type(), got.type());
    field(out, path, "mode", String.format("%04o", want.mode()), String.format("%04o", got.mode()));
    field(out, path, "owner", want.uid() + ":" + want.gid(), got.uid() + ":" + got.gid());
    field(out, path, "size", want.size(), got.size());
    field(out, path, "sha256", want.sha256(), got.sha256());
    field(out, path, "link target", want.linkTarget(), got.linkTarget());
    field(out, path, "device", want.device(), got.device());
    field(out, path, "xattrs", want.xattrs(), got.xattrs());
    field(out, path, "hardlinked with", want.linkGroup(), got.linkGroup());
    boolean dir = want.type() == Type.DIR;
    switch (times) {
      case EXACT -> field(out, path, "mtime", want.mtime(), got.mtime());
      case FILES_TO_SECONDS -> {
        if (!dir) {
          field(out, path, "mtime (s)", want.mtime().getEpochSecond(), got.mtime().getEpochSecond());
        }
      }
      case IGNORE -> { }
    }
  }

  private static void field(List<String> out, String path, String name, Object want, Object got) {
    if (!Objects.equals(want, got)) {
      out.add("differs    " + path + "  " + name + ": expected " + want + " but was " + got);
    }
  }

  private static Type typeOf(Map<String, Object> a) {
    int fmt = (Integer) a.get("mode") & S_IFMT;
    return switch (fmt) {
      case 0040000 -> Type.DIR;
      case 0100000 -> Type.FILE;
      case 0120000 -> Type.SYMLINK;
      case 0010000 -> Type.FIFO;
      case 0020000 -> Type.CHAR;
      case 0060000 -> Type.BLOCK;
      case 0140000 -> Type.SOCKET;
      default -> throw new IllegalStateException("unknown file type " + Integer.toOctalString(fmt));
    };
  }

  private static String inode(Map<String, Object> a) {
    return a.get("dev") + "/" + a.get("ino");
  }

  /**
   * A path as {@link RawNames#printable(Path)} shows it: the same text as {@code toString()} for
   * UTF-8 names, and one key per name whatever its bytes ({@code \\xNN} for those not UTF-8).
   */
  private static String key(Path root, Path p) {
    String rel = RawNames.printable(root.relativize(p));
    return rel.isEmpty() ? "/" : "/" + rel;
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] buf = new byte[65536];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
