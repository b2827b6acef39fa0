package dev.strata.driver;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Mount reference counts, {@link AbstractGraphDriver}'s, shared by every process that opens the
 * same home: one small file per mounted layer in {@code <home>/.mounts/}, changed under an {@code
 * flock} of that file and deleted when its count drops to zero. The first {@link #acquire} of a layer, in any process, performs the mount;
 * the last {@link #release} undoes it; a failed mount or unmount leaves the count as it was, and a
 * count never goes below zero.
 *
 * <p>A process that exits holding references leaves them counted and the view mounted: a {@code
 * strata mount} does so on purpose. An open that sweeps the home (only when no other process has it
 * open) forgets the counts of layers that are gone or whose view was unmounted behind the counts'
 * back ({@link #forgetUnless}); the layer store then brings each count to what its records hold.
 */
final class MountCounts {

  /** The action run on the first acquire or the last release. */
  interface Action {
    void run() throws IOException;
  }

  private final Path dir;

  MountCounts(Path home) {
    this.dir = home.resolve(".mounts");
  }

  /** Adds a reference, running {@code onFirst} when there was none; returns the new count. */
  int acquire(LayerId id, Action onFirst) throws IOException {
    Files.createDirectories(dir);
    try (LockFile f = LockFile.locked(file(id), true)) {
      long current = f.readCounter();
      if (current == 0) {
        onFirst.run();
      }
      f.writeCounter(current + 1);
      return (int) current + 1;
    }
  }

  /**
   * Drops a reference, running {@code onLast} when it is the last; returns the new count.
   *
   * @throws FailedPreconditionException if {@code id} holds no reference
   */
  int release(LayerId id, Action onLast) throws IOException {
    if (!Files.exists(file(id))) {
      throw notMounted(id);
    }
    try (LockFile f = LockFile.locked(file(id), true)) {
      long current = f.readCounter();
      if (current == 0) {
        // Released by another holder meanwhile (its file was deleted, this one just made anew).
        Files.deleteIfExists(file(id));
        throw notMounted(id);
      }
      if (current == 1) {
        onLast.run();
        // Nothing mounted, nothing counted: the file goes (a process waiting on it locks a new one).
        Files.delete(file(id));
        return 0;
      }
      f.writeCounter(current - 1);
      return (int) current - 1;
    }
  }

  int count(LayerId id) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file(id));
    } catch (NoSuchFileException none) {
      return 0;
    }
    // Written whole by one pwrite of 8 bytes under the lock; a file just created holds none yet.
    return bytes.length < Long.BYTES ? 0 : (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Forgets a removed layer's count. */
  void forget(LayerId id) throws IOException {
    Files.deleteIfExists(file(id));
  }

  /**
   * Forgets the count of every layer {@code keep} refuses: the home was just swept with no other
   * process using it, and those layers are gone or their views are no longer mounted.
   */
  void forgetUnless(Predicate<LayerId> keep) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        LayerId id = idOf(f);
        if (id != null && keep.test(id)) {
          continue;
        }
        try {
          Files.delete(f);
        } catch (NoSuchFileException gone) {
          // Deleted meanwhile: the count is gone either way.
        }
      }
    }
  }

  /** The layer a count file is for; a name no layer could have stands for none (it is forgotten). */
  private static LayerId idOf(Path file) {
    try {
      return LayerId.of(file.getFileName().toString());
    } catch (IllegalArgumentException notALayer) {
      return null;
    }
  }

  private Path file(LayerId id) {
    return dir.resolve(id.value());
  }

  private static FailedPreconditionException notMounted(LayerId id) {
    return new FailedPreconditionException(id.value(), "layer " + id + " is not mounted");
  }
}
