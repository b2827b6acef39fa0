package dev.strata.tar;

import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Lists a directory's children with their metadata, sorted by name in byte order. One {@code
 * lstat} per child (the {@code unix:} view answers every field from a single call), plus {@code
 * readlink} for symlinks and {@code llistxattr} (and {@code lgetxattr} per attribute) for every
 * entry. Never follows a symlink.
 */
final class TreeReader {

  /**
   * Named fields rather than {@code unix:*}: the wildcard also resolves owner and group names, a
   * passwd/group lookup per file that the differ never uses.
   */
  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,size,lastModifiedTime,rdev,dev,ino,nlink";

  private static final Comparator<TreeEntry> BY_NAME =
      Comparator.comparing(TreeEntry::name, NameOrder.BYTES);

  private final Xattrs xattrs;
  /** Attributes that belong to the filesystem, not the content (overlay's own); empty for none. */
  private final String hiddenPrefix;
  /** Leave out overlay whiteouts (character devices 0/0): a raw upper directory's markers. */
  private final boolean skipWhiteouts;

  TreeReader(Xattrs xattrs) {
    this(xattrs, "", false);
  }

  TreeReader(Xattrs xattrs, String hiddenPrefix, boolean skipWhiteouts) {
    this.xattrs = xattrs;
    this.hiddenPrefix = hiddenPrefix;
    this.skipWhiteouts = skipWhiteouts;
  }

  /** This reader, but keeping overlay whiteouts in listings (to find them). */
  TreeReader withWhiteouts() {
    return new TreeReader(xattrs, hiddenPrefix, false);
  }

  /** The children of {@code dir}, sorted by name; {@code dir} must be a directory. */
  List<TreeEntry> children(Path dir) throws IOException {
    List<TreeEntry> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path child : stream) {
        FileMeta meta = read(child);
        if (!(skipWhiteouts && meta.isOverlayWhiteout())) {
          entries.add(new TreeEntry(RawNames.of(child.getFileName()), child, meta));
        }
      }
    }
    entries.sort(BY_NAME);
    return entries;
  }

  /** The metadata of {@code path} itself. */
  FileMeta read(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    FileType type = FileType.ofMode(mode);
    Optional<String> target =
        type == FileType.SYMLINK
            ? Optional.of(RawNames.of(Files.readSymbolicLink(path)))
            : Optional.empty();
    return new FileMeta(
        type,
        mode,
        Integer.toUnsignedLong((Integer) a.get("uid")),
        Integer.toUnsignedLong((Integer) a.get("gid")),
        (Long) a.get("size"),
        Timestamp.of((FileTime) a.get("lastModifiedTime")),
        (Long) a.get("rdev"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Integer) a.get("nlink"),
        target,
        readXattrs(path));
  }

  /** The metadata of {@code path}, or null when nothing is there. */
  FileMeta readIfExists(Path path) throws IOException {
    try {
      return read(path);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private SortedMap<String, byte[]> readXattrs(Path path) throws IOException {
    List<String> names = xattrs.list(path);
    SortedMap<String, byte[]> values = new TreeMap<>(NameOrder.BYTES);
    for (String name : names) {
      if (!hiddenPrefix.isEmpty() && name.startsWith(hiddenPrefix)) {
        continue;
      }
      // An attribute removed between list and get is simply not there any more.
      xattrs.get(path, name).ifPresent(v -> values.put(name, v));
    }
    return values;
  }
}
