package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.RawNames;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns a walk into {@code docker diff} lines: absolute paths, ancestors as modified, every deleted
 * name (opaque or not) as one deletion.
 */
final class ChangeCollector implements DiffVisitor {

  private final List<Change> changes = new ArrayList<>();

  @Override
  public void changed(String path, TreeEntry upper, Change.Kind kind) {
    changes.add(change(path, kind));
  }

  @Override
  public void ancestor(String path, TreeEntry upper) {
    changes.add(change(path, Change.Kind.MODIFIED));
  }

  @Override
  public void deleted(String path, boolean coveredByOpaque) {
    changes.add(change(path, Change.Kind.DELETED));
  }

  @Override
  public void opaque(String dir) {
    // The deletions it stands for are reported one by one.
  }

  /** {@code path} is a raw string ({@link RawNames}) relative to the root. */
  private static Change change(String path, Change.Kind kind) {
    return Change.ofBytes(RawNames.bytes("/" + path), kind);
  }

  /** The changes sorted by path ({@link Change}'s natural order), unmodifiable. */
  List<Change> sorted() {
    List<Change> copy = new ArrayList<>(changes);
    Collections.sort(copy);
    return Collections.unmodifiableList(copy);
  }
}
