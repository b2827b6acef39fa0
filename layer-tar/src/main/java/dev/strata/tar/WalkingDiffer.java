package dev.strata.tar;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Change;
import dev.strata.driver.TreeDiffer;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.posix.EntryReads;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LayerDiffer} and {@link UpperDirDiffer} share: one walk of the two trees feeds the
 * change list, the diff tar or the byte count. Each call works on its own state.
 */
abstract sealed class WalkingDiffer implements TreeDiffer permits LayerDiffer, UpperDirDiffer {

  /**
   * Walks {@code upper} against {@code lower}, telling {@code visitor} every difference; {@code
   * reads} is the walk's own (it reuses native buffers), shared with the visitor on its thread.
   */
  abstract void walk(Optional<Path> lower, Path upper, DiffVisitor visitor, EntryReads reads) throws IOException;

  /**
   * The differences, sorted by path.
   *
   * @throws NotFoundException if a tree does not exist
   * @throws InvalidArgumentException if a tree is not a directory
   */
  @Override
  public final List<Change> changes(Optional<Path> lower, Path upper) throws IOException {
    ChangeCollector collector = new ChangeCollector();
    walk(lower, upper, collector, new EntryReads());
    return collector.sorted();
  }

  /**
   * Writes the diff tar to {@code out} (flushed, not closed) and returns its content bytes: the
   * sum of the sizes of the regular files it holds, hardlinks not counted again. Applying the tar
   * reports the same number as {@link ApplyResult#size()}.
   *
   * @throws NotFoundException if a tree does not exist
   * @throws InvalidArgumentException if a tree is not a directory
   * @throws dev.strata.driver.error.FailedPreconditionException if a file changed size while it
   *     was being written
   */
  @Override
  public final long writeDiff(Optional<Path> lower, Path upper, OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    TarStreamWriter tar = new TarStreamWriter(new BufferedOutputStream(out, 64 * 1024));
    EntryReads reads = new EntryReads();
    try (WriteBehind writer = new WriteBehind(tar)) {
      DiffEmitter emitter = new DiffEmitter(writer);
      walk(lower, upper, emitter, reads);
      writer.finish();
      return emitter.contentBytes();
    }
  }

  /** The number {@link #writeDiff} would return, without reading file content or writing a tar. */
  @Override
  public final long diffSize(Optional<Path> lower, Path upper) throws IOException {
    EntryReads reads = new EntryReads();
    DiffEmitter counter = new DiffEmitter(null);
    walk(lower, upper, counter, reads);
    return counter.contentBytes();
  }

  static void checkDir(Path dir, String what, String hint) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException(dir.toString(), what + " " + dir + " does not exist" + hint);
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new InvalidArgumentException(dir.toString(), what + " " + dir + " is not a directory");
    }
  }
}
