package dev.strata.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Applies whiteouts by deleting: for drivers whose layers are full copies (vfs, btrfs). (Stub.) */
public final class DeletingWhiteouts implements WhiteoutPolicy {

  @Override
  public void whiteout(Path target) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  @Override
  public void opaque(Path dir, Predicate<Path> keep) throws IOException {
    throw new UnsupportedOperationException("todo");
  }
}
