package dev.strata.driver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Compares a tree holding a layer's changes with its parent's view. The tar engine's {@code
 * LayerDiffer} compares two whole views; overlay2's {@code UpperDirDiffer} reads an upper
 * directory, which holds the changes alone. {@link AbstractGraphDriver} runs one over mounted views.
 */
public interface TreeDiffer {

  /** The changes of {@code upper} against {@code lower} (none: everything is added), sorted by path. */
  List<Change> changes(Optional<Path> lower, Path upper) throws IOException;

  /** Writes those changes as an uncompressed layer tar; returns the file content bytes it holds. */
  long writeDiff(Optional<Path> lower, Path upper, OutputStream out) throws IOException;

  /** The content bytes {@link #writeDiff} would write, without writing the tar. */
  long diffSize(Optional<Path> lower, Path upper) throws IOException;
}
