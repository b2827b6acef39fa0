package dev.strata.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Compares a layer's view with its parent's. (Stub; implemented by the archive work.) */
public final class LayerDiffer {

  public List<Change> changes(Optional<Path> lower, Path upper) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public long writeDiff(Optional<Path> lower, Path upper, OutputStream out) throws IOException {
    throw new UnsupportedOperationException("todo");
  }

  public long diffSize(Optional<Path> lower, Path upper) throws IOException {
    throw new UnsupportedOperationException("todo");
  }
}
