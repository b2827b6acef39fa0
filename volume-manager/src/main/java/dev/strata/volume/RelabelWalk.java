package dev.strata.volume;

import dev.strata.driver.posix.PosixException;
import dev.strata.driver.posix.Xattrs;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One relabel's walk: a fork/join task per directory, the counters, and the first failure. Each
 * task holds one open directory; subdirectories are forked after it is closed, so open descriptors
 * stay near the pool's parallelism however wide or deep the tree.
 */
final class RelabelWalk {

  private static final System.Logger LOG = System.getLogger(RelabelWalk.class.getName());

  private final Xattrs xattrs;
  private final SelinuxLabel label;
  private final byte[] value;
  private final LongAdder visited = new LongAdder();
  private final LongAdder changed = new LongAdder();
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  RelabelWalk(Xattrs xattrs, SelinuxLabel label) {
    this.xattrs = xattrs;
    this.label = label;
    this.value = label.xattrValue();
  }

  /** Labels {@code path} itself unless it already carries the label. */
  void label(Path path) throws PosixException {
    Optional<byte[]> current = xattrs.get(path, Relabeler.XATTR);
    visited.increment();
    if (current.isPresent() && label.matches(current.get())) {
      return;
    }
    xattrs.set(path, Relabeler.XATTR, value);
    changed.increment();
  }

  /** Labels everything below {@code root} (not root itself); {@code key} is root's file key. */
  void walk(ForkJoinPool pool, Path root, Object key) throws IOException {
    pool.invoke(new Directory(root, key));
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  RelabelResult result() {
    return new RelabelResult(visited.sum(), changed.sum());
  }

  private void fail(IOException e) {
    if (!failure.compareAndSet(null, e)) {
      failure.get().addSuppressed(e);
    }
  }

  private final class Directory extends RecursiveAction {

    private final Path dir;
    /** The identity lstat saw when the parent listed this directory. */
    private final Object key;

    Directory(Path dir, Object key) {
      this.dir = dir;
      this.key = key;
    }

    @Override
    protected void compute() {
      if (failure.get() != null) {
        return;
      }
      List<Directory> subdirectories = new ArrayList<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        if (!sameDirectory(entries)) {
          LOG.log(Level.WARNING, "not relabelling below {0}: it was replaced while the tree was"
              + " walked, and the new one may lie outside the tree", dir);
          return;
        }
        for (Path entry : entries) {
          if (failure.get() != null) {
            return;
          }
          visit(entries, entry, subdirectories);
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        return; // removed or replaced by a file after the parent listed it: nothing left to label
      } catch (IOException e) {
        fail(e);
        return;
      } catch (DirectoryIteratorException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          fail(e.getCause());
        }
        return;
      }
      invokeAll(subdirectories);
    }

    private void visit(DirectoryStream<Path> entries, Path entry, List<Directory> subdirectories)
        throws IOException {
      try {
        label(entry);
        BasicFileAttributes attrs = attributes(entries, entry);
        if (attrs.isDirectory()) {
          subdirectories.add(new Directory(entry, attrs.fileKey()));
        }
      } catch (PosixException e) {
        if (e.errno() != PosixException.ENOENT) {
          throw e;
        }
      } catch (NoSuchFileException e) {
        // deleted between listing and stat: the race go-selinux also ignores
      }
    }

    /**
     * Opening by path follows a symlink that replaced the directory after it was listed; the file
     * key of the opened directory tells.
     */
    private boolean sameDirectory(DirectoryStream<Path> entries) throws IOException {
      if (!(entries instanceof SecureDirectoryStream<Path> secure)) {
        return true; // only non-Linux JDKs lack it; Strata needs Linux
      }
      Object opened = secure.getFileAttributeView(BasicFileAttributeView.class)
          .readAttributes().fileKey();
      return Objects.equals(opened, key);
    }
  }

  /** {@code fstatat} relative to the open directory: no symlink and no path lookup from '/'. */
  private static BasicFileAttributes attributes(DirectoryStream<Path> entries, Path entry)
      throws IOException {
    if (entries instanceof SecureDirectoryStream<Path> secure) {
      return secure
          .getFileAttributeView(entry.getFileName(), BasicFileAttributeView.class,
              LinkOption.NOFOLLOW_LINKS)
          .readAttributes();
    }
    return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
  }
}
