package dev.strata.tar;

import static dev.strata.files.PrintableNames.quotedRaw;

import dev.strata.driver.error.CorruptException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.RawNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps every path the applier touches inside the root: before an entry is created, each of its
 * parents must be a real directory, checked with {@code lstat} so a symlink planted by an earlier
 * entry (or already in the tree) is never traversed.
 *
 * <p>Directories once verified are remembered so a tar of 20,000 files does not {@code lstat} the
 * same parents 20,000 times; an ancestor of a remembered directory is always remembered too, so one
 * lookup of the immediate parent suffices. Whatever replaces or deletes a path must call {@link
 * #forget} so the next entry below it is checked again.
 */
final class TreeGuard {

  /** Docker creates missing parents 0755 ({@code go-archive}: {@code MkdirAll(parent, 0o755)}). */
  private static final int IMPLICIT_DIR_MODE = 0755;

  private final Path root;
  private final FileNodes nodes;
  /** Relative paths; a TreeSet so a subtree can be dropped by range. */
  private final NavigableSet<String> verified = new TreeSet<>();

  TreeGuard(Path root, FileNodes nodes) {
    this.root = root;
    this.nodes = nodes;
  }

  Path resolve(EntryPath p) {
    return p.isRoot() ? root : RawNames.resolve(root, p.rel());
  }

  /**
   * Makes {@code dir} a verified real directory, creating missing components (reported to {@code
   * created}).
   *
   * @throws CorruptException when a component is a symlink or not a directory
   */
  void ensureDirectory(EntryPath dir, String subject, Supplier<String> describe, Consumer<EntryPath> created)
      throws IOException {
    walk(dir, subject, describe, created);
  }

  /**
   * Checks that {@code dir} exists as a chain of real directories, creating nothing.
   *
   * @return false when some component does not exist
   * @throws CorruptException when a component is a symlink or not a directory
   */
  boolean checkDirectory(EntryPath dir, String subject, Supplier<String> describe) throws IOException {
    return walk(dir, subject, describe, null);
  }

  /** Records a directory the applier itself just created or kept, whose parent is verified. */
  void remember(EntryPath dir) {
    verified.add(dir.rel());
  }

  /** {@code p} and everything below it may have changed: check them again when next needed. */
  void forget(EntryPath p) {
    verified.remove(p.rel());
    forgetBelow(p);
  }

  /** Everything strictly below {@code p} may have changed. */
  void forgetBelow(EntryPath p) {
    if (p.isRoot()) {
      verified.clear();
      return;
    }
    // '/' + 1 == '0': the range holds exactly the strings starting with "rel/".
    verified.subSet(p.rel() + "/", true, p.rel() + "0", false).clear();
  }

  private boolean walk(EntryPath dir, String subject, Supplier<String> describe, Consumer<EntryPath> created)
      throws IOException {
    if (dir.isRoot() || verified.contains(dir.rel())) {
      return true;
    }
    // Climb to the nearest remembered ancestor, then check downwards.
    List<EntryPath> unchecked = new ArrayList<>();
    for (EntryPath p = dir; !p.isRoot() && !verified.contains(p.rel()); p = p.parent()) {
      unchecked.add(p);
    }
    for (int i = unchecked.size() - 1; i >= 0; i--) {
      EntryPath p = unchecked.get(i);
      Path path = resolve(p);
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        if (created == null) {
          return false;
        }
        Files.createDirectory(path);
        nodes.chmod(path, IMPLICIT_DIR_MODE);
        created.accept(p);
        verified.add(p.rel());
        continue;
      }
      if (a.isSymbolicLink()) {
        throw new CorruptException(subject, describe.get() + " goes through symlink " + quotedRaw(p.rel()));
      }
      if (!a.isDirectory()) {
        throw new CorruptException(subject, describe.get() + " goes through " + quotedRaw(p.rel()) + ", which is not a directory");
      }
      verified.add(p.rel());
    }
    return true;
  }
}
