package dev.strata.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Whole-file writes that a crash cannot tear: the bytes go to a temporary sibling, are fsynced,
 * renamed over the target, and the directory is fsynced so the rename itself is durable. A reader
 * sees the old content or the new, never a torn file. Temporaries carry {@link #TEMP_PREFIX} and
 * are swept by {@link #sweep}.
 */
public final class AtomicFiles {

  /** Prefix of the temporaries {@link #write} and {@link #delete} leave if the process dies. */
  public static final String TEMP_PREFIX = ".tmp-";

  private AtomicFiles() {}

  /** Writes {@code content} as UTF-8; see {@link #write}. */
  public static void writeString(Path target, String content) throws IOException {
    write(target, content.getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code target} with {@code content}, creating its directory if needed. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, PosixFilePermissions.fromString("rw-r--r--"));
  }

  /**
   * Replaces {@code target} with {@code content}, the new file created with {@code permissions}
   * (less the umask) from the start, so a secret is never readable by others even for a moment.
   */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    try {
      try (FileChannel ch = FileChannel.open(temp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(permissions))) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Renames atomically (replacing a file at {@code to}) and makes the rename durable. */
  public static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically", e);
    }
    syncDirectory(to.toAbsolutePath().getParent());
  }

  /** Deletes the file {@code target} by renaming it away first, so a crash never leaves half a file. */
  public static void delete(Path target) throws IOException {
    if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    Files.move(target, temp, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.toAbsolutePath().getParent());
    Files.delete(temp);
  }

  /** Removes the temporary files a crash left in {@code dir}. */
  public static void sweep(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(entry);
        }
      }
    }
  }

  /** fsyncs a directory so renames and creations in it survive a crash. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Reads a small text file written by {@link #writeString}, trimmed. */
  public static String readString(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
