package dev.strata.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Whole-file writes that a crash cannot tear: the bytes go to a temporary sibling, are fsynced,
 * renamed over the target, and the directory is fsynced so the rename itself is durable.
 * Temporaries carry {@link #TEMP_PREFIX} and are swept by {@link #sweep}.
 */
final class AtomicFiles {

  static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  static void write(Path target, byte[] content) throws IOException {
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + temp + " over " + target + " atomically", e);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Deletes {@code target} (rename to a temporary first, so a crash never leaves half a file). */
  static void delete(Path target) throws IOException {
    if (!Files.exists(target)) {
      return;
    }
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    Files.move(target, temp, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(target.getParent());
    Files.delete(temp);
  }

  /** Removes temporaries a crash left in {@code dir}. */
  static void sweep(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path entry : entries) {
        Files.deleteIfExists(entry);
      }
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
