package dev.strata.tar;

import static dev.strata.files.PrintableNames.quotedRaw;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.posix.PosixException;
import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state of one apply: materialises each entry under the root, remembers what it created (an
 * opaque marker must not hide it) and defers directory modes and times to the end, when no entry
 * can change them any more.
 *
 * <p>An existing path is replaced by a new entry, except that a directory entry over an existing
 * directory merges into it (Docker's {@code UnpackLayer} rule). Every creation has no-follow
 * semantics: {@code O_CREAT|O_EXCL}, {@code mkdir}, {@code symlink}, {@code link} and {@code mknod}
 * never traverse a final symlink, and {@link TreeGuard} has checked every parent.
 */
final class ApplySession implements AutoCloseable {

  private static final String WHITEOUT = ".wh.";
  /** aufs metadata ({@code .wh..wh.plnk}, {@code .wh..wh.aufs}): skipped, as Docker does. */
  private static final String WHITEOUT_META = ".wh..wh.";
  private static final String OPAQUE = ".wh..wh..opq";
  private static final Set<OpenOption> CREATE_NEW = Set.of(
      StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  private final Path root;
  private final ApplyOptions options;
  private final WhiteoutPolicy whiteouts;
  private final FileNodes nodes;
  private final Metadata meta;
  private final TreeGuard guard;
  private final ContentWriter writer;
  private final OpenParent parent = new OpenParent();
  private final NewFiles newFiles;
  /** Null when the options ask for no writer threads. */
  private final FileWriters writers;
  private final Set<String> created = new HashSet<>();
  private final NavigableMap<String, DirMeta> deferred = new TreeMap<>();
  private boolean setsRoot;
  private long size;

  private record DirMeta(int mode, Timestamp atime, Timestamp mtime) {}

  @FunctionalInterface
  private interface Create<T> {
    T run() throws IOException;
  }

  ApplySession(Path root, ApplyOptions options, WhiteoutPolicy whiteouts, FileNodes nodes, Metadata meta) {
    this.root = root;
    this.options = options;
    this.whiteouts = whiteouts;
    this.nodes = nodes;
    this.meta = meta;
    this.guard = new TreeGuard(root, nodes);
    this.writer = new ContentWriter();
    this.newFiles = new NewFiles(nodes, meta, options.fsync());
    this.writers = options.writerThreads() == 0 ? null : new FileWriters(options.writerThreads(), newFiles);
  }

  /** Bytes of regular-file content written so far. */
  long size() {
    return size;
  }

  /** Whether the tar had an entry for the root. */
  boolean setsRoot() {
    return setsRoot;
  }

  void apply(TarEntry e, TarReader reader) throws IOException {
    EntryPath p = EntryPath.clean(e.name(), e.subject(), e::describe);
    if (e.type() == TarEntry.Type.LABEL) {
      return; // a GNU volume label names the archive, not a file
    }
    if (p.isRoot()) {
      applyRoot(e);
      return;
    }
    if (p.parentHasComponentStarting(WHITEOUT)) {
      if (p.parentHasComponentStarting(WHITEOUT_META)) {
        return; // inside an aufs metadata directory
      }
      throw new CorruptException(e.subject(), e.describe() + " puts a file below a whiteout name");
    }
    if (writers != null && writers.pendingAtOrAbove(p)) {
      drain(); // this entry, or a directory it needs, is a file a writer has not finished
    }
    String name = p.fileName();
    if (name.startsWith(WHITEOUT)) {
      drain(); // a whiteout deletes: everything before it must be there to be deleted
      whiteout(e, p, name);
      return;
    }
    guard.ensureDirectory(p.parent(), e.subject(), e::describe, this::markCreated);
    Path path = guard.resolve(p);
    switch (e.type()) {
      case DIRECTORY -> directory(e, p, path);
      case FILE -> file(e, p, path, reader);
      case SYMLINK -> symlink(e, p, path);
      case HARDLINK -> hardlink(e, p, path);
      case CHAR_DEVICE, BLOCK_DEVICE -> device(e, p, path);
      case FIFO -> special(e, p, path, () -> {
        nodes.mkfifo(path, e.mode());
        return null;
      });
      default -> throw new AssertionError(e.type());
    }
  }

  /** Sets the deferred directory modes and times, deepest first. */
  void finish() throws IOException {
    drain(); // creating files changes their directories' times
    List<Map.Entry<String, DirMeta>> dirs = new ArrayList<>(deferred.entrySet());
    dirs.sort(Comparator.comparingInt((Map.Entry<String, DirMeta> x) -> depth(x.getKey())).reversed());
    for (Map.Entry<String, DirMeta> x : dirs) {
      EntryPath p = new EntryPath(x.getKey());
      // Every replacement drops the deferred entries below it, so the chain is still real
      // directories; the check is cheap (remembered) and keeps chmod, which follows symlinks, inside.
      if (!p.isRoot() && !guard.checkDirectory(p, p.rel(), () -> "directory " + quotedRaw(p.rel()))) {
        continue;
      }
      Path path = guard.resolve(p);
      meta.mode(path, x.getValue().mode());
      meta.times(path, x.getValue().atime(), x.getValue().mtime());
    }
  }

  private static int depth(String rel) {
    if (rel.isEmpty()) {
      return -1;
    }
    int n = 0;
    for (int i = 0; i < rel.length(); i++) {
      if (rel.charAt(i) == '/') {
        n++;
      }
    }
    return n;
  }

  private void applyRoot(TarEntry e) throws IOException {
    if (e.type() != TarEntry.Type.DIRECTORY) {
      throw new CorruptException(e.subject(), e.describe() + " would replace the layer root with a "
          + e.type().name().toLowerCase(java.util.Locale.ROOT));
    }
    setsRoot = true;
    meta.owner(root, e);
    meta.xattrs(root, e);
    deferred.put("", new DirMeta(e.mode(), e.atime(), e.mtime()));
  }

  private void whiteout(TarEntry e, EntryPath p, String name) throws IOException {
    EntryPath dir = p.parent();
    if (name.equals(OPAQUE)) {
      guard.ensureDirectory(dir, e.subject(), e::describe, this::markCreated);
      whiteouts.opaque(guard.resolve(dir), child -> created.contains(RawNames.of(root.relativize(child))));
      guard.forgetBelow(dir);
      parent.forgetBelow(dir);
      return;
    }
    if (name.startsWith(WHITEOUT_META)) {
      return; // aufs metadata, meaningless here
    }
    String hidden = name.substring(WHITEOUT.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      throw new CorruptException(e.subject(), e.describe() + " is a whiteout that names no file (" + quotedRaw(hidden) + ")");
    }
    guard.ensureDirectory(dir, e.subject(), e::describe, this::markCreated);
    EntryPath target = dir.child(hidden);
    whiteouts.whiteout(guard.resolve(target));
    forget(target);
    created.remove(target.rel());
  }

  private void directory(TarEntry e, EntryPath p, Path path) throws IOException {
    try {
      Files.createDirectory(path);
    } catch (FileAlreadyExistsException x) {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isDirectory()) {
        replace(p, path);
        Files.createDirectory(path);
      }
    }
    markCreated(p);
    guard.remember(p);
    meta.owner(path, e);
    meta.xattrs(path, e);
    // Mode later: a read-only directory mode now would stop an unprivileged apply adding children.
    deferred.put(p.rel(), new DirMeta(e.mode(), e.atime(), e.mtime()));
  }

  /**
   * A small file goes to a writer thread with its content; a large one streams here. Either way it
   * is created relative to its open parent and finished by descriptor, as GNU tar does.
   */
  private void file(TarEntry e, EntryPath p, Path path, TarReader reader) throws IOException {
    if (writers != null && e.size() <= FileWriters.MAX_FILE) {
      writers.submit(new FileWriters.Job(p, path, e, ContentWriter.readAll(reader, (int) e.size(), e)));
    } else {
      try (var file = createReplacing(p, path, () -> newFiles.create(parent, p, path, e))) {
        if (e.size() > 0) {
          writer.copy(reader, file, e.size(), e);
        }
        newFiles.finish(file, parent, e);
      }
    }
    size += e.size();
    markCreated(p);
  }

  /**
   * Waits for the writer threads, then creates, here and in their original order, the files whose
   * names were taken: replacing what is there, as for any other entry.
   */
  private void drain() throws IOException {
    if (writers == null) {
      return;
    }
    for (FileWriters.Job job : writers.drain()) {
      TarEntry e = job.header();
      try (var file = createReplacing(job.entry(), job.path(), () -> newFiles.create(parent, job.entry(), job.path(), e))) {
        writer.write(file, job.content(), e);
        newFiles.finish(file, parent, e);
      } catch (IOException x) {
        throw EntryWriteException.naming(e, x);
      }
    }
  }

  private void symlink(TarEntry e, EntryPath p, Path path) throws IOException {
    String target = e.linkName();
    if (target == null || target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new CorruptException(e.subject(), e.describe() + " is a symlink with an empty or NUL-bearing target");
    }
    // The target is stored verbatim and never followed by the applier, whatever it points at.
    createReplacing(p, path, () -> {
      nodes.symlink(target, path);
      return null;
    });
    markCreated(p);
    meta.owner(path, e);
    meta.xattrs(path, e);
    meta.times(path, e.atime(), e.mtime());
  }

  /**
   * A hard link shares its target's inode, whose metadata the target's own entry set; the link
   * entry's header is not applied again (GNU tar does the same).
   */
  private void hardlink(TarEntry e, EntryPath p, Path path) throws IOException {
    drain(); // the target may be a file a writer has not finished
    String d = e.describe();
    String link = e.linkName();
    EntryPath t = EntryPath.clean(link, e.subject(), () -> d + ": hardlink target " + quotedRaw(link));
    if (t.isRoot()) {
      throw new CorruptException(e.subject(), d + " is a hardlink to the layer root, a directory");
    }
    if (t.hasComponentStarting(WHITEOUT)) {
      throw new CorruptException(e.subject(), d + " is a hardlink to a whiteout name " + quotedRaw(t.rel()));
    }
    if (t.equals(p) || t.rel().startsWith(p.rel() + "/")) {
      throw new CorruptException(e.subject(), d + " is a hardlink to itself or below itself (" + quotedRaw(t.rel()) + ")");
    }
    if (!guard.checkDirectory(t.parent(), e.subject(), () -> d + ": hardlink target " + quotedRaw(t.rel()))) {
      throw new CorruptException(e.subject(), d + " is a hardlink to " + quotedRaw(t.rel()) + ", which does not exist");
    }
    Path target = guard.resolve(t);
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException x) {
      throw new CorruptException(e.subject(), d + " is a hardlink to " + quotedRaw(t.rel()) + ", which does not exist", x);
    }
    if (a.isDirectory()) {
      throw new CorruptException(e.subject(), d + " is a hardlink to " + quotedRaw(t.rel()) + ", which is a directory");
    }
    // link(2) does not follow a target that is a symlink: the new name shares the symlink's inode.
    createReplacing(p, path, () -> Files.createLink(path, target));
    markCreated(p);
  }

  private void device(TarEntry e, EntryPath p, Path path) throws IOException {
    if (!options.createDevices()) {
      throw new UnsupportedException(e.subject(), e.describe() + " is a " + (e.type() == TarEntry.Type.CHAR_DEVICE
          ? "character" : "block") + " device " + e.devMajor() + ":" + e.devMinor()
          + " and device creation is off (ApplyOptions.createDevices)");
    }
    int type = e.type() == TarEntry.Type.CHAR_DEVICE ? FileNodes.S_IFCHR : FileNodes.S_IFBLK;
    special(e, p, path, () -> {
      nodes.mknod(path, type, e.mode(), e.devMajor(), e.devMinor());
      return null;
    });
  }

  private void special(TarEntry e, EntryPath p, Path path, Create<Void> create) throws IOException {
    createReplacing(p, path, create);
    markCreated(p);
    finishNode(e, path);
  }

  /** Owner, then mode (chown clears setuid), then xattrs (chown clears capabilities), then times. */
  private void finishNode(TarEntry e, Path path) throws IOException {
    meta.owner(path, e);
    meta.mode(path, e.mode());
    meta.xattrs(path, e);
    meta.times(path, e.atime(), e.mtime());
  }

  /** Runs {@code create}; when the name is taken, removes what is there (a whole tree) and retries once. */
  private <T> T createReplacing(EntryPath p, Path path, Create<T> create) throws IOException {
    try {
      return create.run();
    } catch (FileAlreadyExistsException x) {
      replace(p, path);
    } catch (PosixException x) {
      if (x.errno() != PosixException.EEXIST) {
        throw x;
      }
      replace(p, path);
    }
    return create.run();
  }

  private void replace(EntryPath p, Path path) throws IOException {
    drain(); // the tree deleted may hold files a writer has not finished
    FileTrees.delete(path);
    forget(p);
  }

  /** {@code p} was deleted or replaced: nothing below it is verified or awaits metadata any more. */
  private void forget(EntryPath p) {
    guard.forget(p);
    parent.forget(p);
    deferred.remove(p.rel());
    deferred.subMap(p.rel() + "/", true, p.rel() + "0", false).clear();
  }

  /** Stops the writer threads (waiting for what they are writing) and closes the open parent. */
  @Override
  public void close() {
    try {
      if (writers != null) {
        writers.close();
      }
    } finally {
      parent.close();
    }
  }

  private void markCreated(EntryPath p) {
    created.add(p.rel());
  }
}
