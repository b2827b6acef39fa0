package dev.strata.interop;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A root filesystem reduced to what both Docker and Strata must agree on, path by path: type,
 * permission bits, owner, size and sha256 of regular files, symlink targets, which paths are
 * hardlinks of each other, and modification times (but of the directories Docker's init layer
 * makes). Read from a tar (Docker's export of a container) or from a mounted tree (a Strata
 * container).
 */
record ComparableRootfs(Map<String, Entry> entries) {

  /**
   * Docker's init layer and runtime mountpoints, present in every Docker container's export and in
   * no image: compared against a Strata container made with {@code InitHook.none()}, they are the
   * only paths left out.
   */
  static final Set<String> DOCKER_INIT_PATHS = Set.of(
      "/.dockerenv", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab",
      "/dev", "/proc", "/sys");

  enum Type { DIRECTORY, FILE, SYMLINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE }

  /**
   * Directories whose modification time Docker's init layer sets (it makes them, to hold its
   * files); every other directory keeps the time its layer gave it.
   */
  static final Set<String> DOCKER_INIT_PARENTS = Set.of("/etc");

  /**
   * One path. {@code hardlinkGroup} is the smallest path of the set of paths sharing its inode, or
   * empty when the file has no other name in the tree. {@code mtime} is in seconds, as a tar keeps
   * it, and -1 for {@link #DOCKER_INIT_PARENTS}.
   */
  record Entry(String path, Type type, int mode, long uid, long gid, long size, String sha256,
      String linkTarget, String hardlinkGroup, long mtime) {

    Entry {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(type, "type");
    }
  }

  ComparableRootfs {
    entries = Map.copyOf(entries);
  }

  /** Reads Docker's export (or archive of {@code /}) of a container, leaving out {@link #DOCKER_INIT_PATHS}. */
  static ComparableRootfs fromTar(InputStream tar) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    Map<String, String> linkOf = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        String path = normalize(e.getName());
        if (path.equals("/") || excluded(path)) {
          continue;
        }
        Type type;
        String digest = "";
        long size = 0;
        String target = "";
        if (e.isDirectory()) {
          type = Type.DIRECTORY;
        } else if (e.isSymbolicLink()) {
          type = Type.SYMLINK;
          target = e.getLinkName();
        } else if (e.isLink()) {
          linkOf.put(path, normalize(e.getLinkName()));
          type = Type.FILE;
        } else if (e.isFIFO()) {
          type = Type.FIFO;
        } else if (e.isCharacterDevice()) {
          type = Type.CHAR_DEVICE;
        } else if (e.isBlockDevice()) {
          type = Type.BLOCK_DEVICE;
        } else {
          type = Type.FILE;
          size = e.getSize();
          digest = sha256(in);
        }
        long mtime = DOCKER_INIT_PARENTS.contains(path) ? -1 : e.getLastModifiedDate().toInstant().getEpochSecond();
        entries.put(path, new Entry(path, type, e.getMode() & 07777, e.getLongUserId(),
            e.getLongGroupId(), size, digest, target, "", mtime));
      }
    }
    // A tar names each extra hardlink once, pointing at the first name; the content is the first's.
    Map<String, Set<String>> groups = new HashMap<>();
    for (Map.Entry<String, String> link : linkOf.entrySet()) {
      String first = link.getValue();
      while (linkOf.containsKey(first)) {
        first = linkOf.get(first);
      }
      groups.computeIfAbsent(first, k -> new TreeSet<>(Set.of(k))).add(link.getKey());
    }
    for (Set<String> group : groups.values()) {
      String name = group.iterator().next();
      for (String path : group) {
        Entry e = entries.get(path);
        Entry content = entries.get(linkOf.getOrDefault(path, path));
        while (linkOf.containsKey(content.path())) {
          content = entries.get(linkOf.get(content.path()));
        }
        entries.put(path, new Entry(path, Type.FILE, e.mode(), e.uid(), e.gid(), content.size(),
            content.sha256(), "", name, e.mtime()));
      }
    }
    return new ComparableRootfs(entries);
  }

  /** Reads a mounted tree; {@code root} itself is left out, as its mountpoint's attributes vary. */
  static ComparableRootfs fromDirectory(Path root) throws IOException {
    Map<String, Entry> entries = new TreeMap<>();
    Map<Object, Set<String>> inodes = new HashMap<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(root)) {
          add(dir);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        add(file);
        return FileVisitResult.CONTINUE;
      }

      private void add(Path p) throws IOException {
        String path = "/" + root.relativize(p).toString();
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,ino,nlink,lastModifiedTime",
            LinkOption.NOFOLLOW_LINKS);
        int st = (Integer) a.get("mode");
        Type type = switch (st & 0170000) {
          case 0040000 -> Type.DIRECTORY;
          case 0120000 -> Type.SYMLINK;
          case 0010000 -> Type.FIFO;
          case 0020000 -> Type.CHAR_DEVICE;
          case 0060000 -> Type.BLOCK_DEVICE;
          default -> Type.FILE;
        };
        String digest = "";
        long size = 0;
        String target = "";
        if (type == Type.FILE) {
          size = (Long) a.get("size");
          try (InputStream in = Files.newInputStream(p)) {
            digest = sha256(in);
          }
          if ((Integer) a.get("nlink") > 1) {
            inodes.computeIfAbsent(a.get("ino"), k -> new TreeSet<>()).add(path);
          }
        } else if (type == Type.SYMLINK) {
          target = Files.readSymbolicLink(p).toString();
        }
        long mtime = DOCKER_INIT_PARENTS.contains(path) ? -1
            : ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
        entries.put(path, new Entry(path, type, st & 07777, ((Integer) a.get("uid")).longValue(),
            ((Integer) a.get("gid")).longValue(), size, digest, target, "", mtime));
      }
    });
    for (Set<String> group : inodes.values()) {
      if (group.size() > 1) {
        String name = group.iterator().next();
        for (String path : group) {
          Entry e = entries.get(path);
          entries.put(path, new Entry(path, e.type(), e.mode(), e.uid(), e.gid(), e.size(), e.sha256(),
              e.linkTarget(), name, e.mtime()));
        }
      }
    }
    return new ComparableRootfs(entries);
  }

  /**
   * One line per path whose entries differ, {@code path: docker=… strata=…} with this tree as
   * Docker's, at most 40 and a count of the rest; empty when equal.
   */
  List<String> differencesFrom(ComparableRootfs strata) {
    List<String> out = new ArrayList<>();
    Set<String> paths = new TreeSet<>(entries.keySet());
    paths.addAll(strata.entries.keySet());
    for (String path : paths) {
      Entry docker = entries.get(path);
      Entry ours = strata.entries.get(path);
      if (!Objects.equals(docker, ours)) {
        out.add(path + ": docker=" + docker + " strata=" + ours);
      }
    }
    if (out.size() > 40) {
      int rest = out.size() - 40;
      out = new ArrayList<>(out.subList(0, 40));
      out.add("... and " + rest + " more");
    }
    return out;
  }

  int size() {
    return entries.size();
  }

  /** Whether {@code path} is one of {@link #DOCKER_INIT_PATHS} or beneath one. */
  static boolean excluded(String path) {
    return DOCKER_INIT_PATHS.contains(path)
        || path.startsWith("/dev/") || path.startsWith("/proc/") || path.startsWith("/sys/");
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./") || n.startsWith("/")) {
      n = n.startsWith("./") ? n.substring(2) : n.substring(1);
    }
    if (n.equals(".")) {
      n = "";
    }
    while (n.endsWith("/")) {
      n = n.substring(0, n.length() - 1);
    }
    return "/" + n;
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
