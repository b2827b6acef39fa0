package dev.strata.tar;

import dev.strata.posix.DirectoryFd;
import dev.strata.posix.EntryReads;
import dev.strata.posix.EntryStat;
import dev.strata.posix.RawNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a directory's children with their metadata, each by its name in the open directory
 * ({@link EntryReads}): one {@code statx} per child, {@code readlinkat} for symlinks and {@code
 * listxattrat} (and {@code getxattrat} per attribute) for the entries whose attributes count.
 * Never follows a symlink. Not thread-safe: the reads reuse native buffers.
 */
final class TreeReader {

  private static final Comparator<TreeEntry> BY_NAME =
      Comparator.comparing(TreeEntry::name, NameOrder.BYTES);

  private final EntryReads reads;
  /** Attributes that belong to the filesystem, not the content (overlay's own); empty for none. */
  private final String hiddenPrefix;
  /** Reading a raw overlay upper: a character device 0/0 is a whiteout marker, not content. */
  private final boolean overlayUpper;

  TreeReader(EntryReads reads) {
    this(reads, "", false);
  }

  TreeReader(EntryReads reads, String hiddenPrefix, boolean overlayUpper) {
    this.reads = reads;
    this.hiddenPrefix = hiddenPrefix;
    this.overlayUpper = overlayUpper;
  }

  /** A reader like this one with reads of its own, for another thread. */
  TreeReader forAnotherThread() {
    return new TreeReader(new EntryReads(), hiddenPrefix, overlayUpper);
  }

  /**
   * The child {@code name} of {@code dir} with its metadata; null for a raw upper's whiteout
   * unless {@code withWhiteouts} (kept ones carry no xattrs: they are markers).
   *
   * @throws NoSuchFileException if nothing has that name
   */
  TreeEntry child(DirectoryFd dir, String name, boolean withWhiteouts) throws IOException {
    EntryStat stat = reads.stat(dir, name).orElseThrow(() -> gone(dir, name));
    FileType type = FileType.ofMode(stat.mode());
    boolean whiteout = overlayUpper && type == FileType.CHAR_DEVICE && stat.rdev() == 0;
    if (whiteout && !withWhiteouts) {
      return null;
    }
    SortedMap<String, byte[]> xattrs = whiteout ? Collections.emptySortedMap() : xattrs(dir, name);
    return new TreeEntry(name, dir, meta(dir, name, stat, type, xattrs));
  }

  /**
   * The children of {@code dir} with their metadata, sorted by name. A raw upper's whiteouts are
   * left out unless {@code withWhiteouts}, and kept ones carry no xattrs (they are markers).
   */
  List<TreeEntry> children(DirectoryFd dir, boolean withWhiteouts) throws IOException {
    List<String> names = names(dir);
    List<TreeEntry> entries = new ArrayList<>(names.size());
    for (String name : names) {
      TreeEntry entry = child(dir, name, withWhiteouts);
      if (entry != null) {
        entries.add(entry);
      }
    }
    entries.sort(BY_NAME);
    return entries;
  }

  /** The names in {@code dir}, in the order the filesystem lists them. */
  List<String> names(DirectoryFd dir) throws IOException {
    List<String> names = new ArrayList<>();
    reads.list(dir, (name, type) -> names.add(name));
    return names;
  }

  /**
   * The metadata of {@code name} in {@code dir} without its xattrs (an empty map stands for them:
   * read them with {@link #xattrs} where they count), or null when nothing has that name.
   */
  FileMeta withoutXattrs(DirectoryFd dir, String name) throws IOException {
    Optional<EntryStat> stat = reads.stat(dir, name);
    if (stat.isEmpty()) {
      return null;
    }
    return meta(dir, name, stat.get(), FileType.ofMode(stat.get().mode()), Collections.emptySortedMap());
  }

  /** The extended attributes of {@code name} in {@code dir}, the hidden ones left out. */
  SortedMap<String, byte[]> xattrs(DirectoryFd dir, String name) throws IOException {
    List<String> names = reads.xattrNames(dir, name);
    if (names.isEmpty()) {
      return Collections.emptySortedMap();
    }
    SortedMap<String, byte[]> values = new TreeMap<>(NameOrder.BYTES);
    for (String attribute : names) {
      if (!hiddenPrefix.isEmpty() && attribute.startsWith(hiddenPrefix)) {
        continue;
      }
      // An attribute removed between list and get is simply not there any more.
      reads.xattr(dir, name, attribute).ifPresent(v -> values.put(attribute, v));
    }
    return values;
  }

  /** Whether {@code name} in {@code dir} has the attribute {@code attribute}. */
  boolean hasXattr(DirectoryFd dir, String name, String attribute) throws IOException {
    return reads.xattr(dir, name, attribute).isPresent();
  }

  private FileMeta meta(DirectoryFd dir, String name, EntryStat s, FileType type,
      SortedMap<String, byte[]> xattrs) throws IOException {
    Optional<String> target = type == FileType.SYMLINK ? Optional.of(reads.readLink(dir, name)) : Optional.empty();
    return new FileMeta(type, s.mode(), s.uid(), s.gid(), s.size(), s.mtime(), s.rdev(), s.dev(),
        s.ino(), s.nlink(), target, xattrs);
  }

  private static NoSuchFileException gone(DirectoryFd dir, String name) {
    return new NoSuchFileException(RawNames.printable(RawNames.resolve(dir.path(), name)));
  }
}
