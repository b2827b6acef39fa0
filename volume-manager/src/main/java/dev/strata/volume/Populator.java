package dev.strata.volume;

import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies an image's directory into an empty volume, once. Each step is persisted before the next
 * begins, and the files of a step are flushed before the next is recorded, so neither a crash
 * nor a power cut copies twice or leaves half a copy counted as done:
 *
 * <ol>
 *   <li>{@code COPYING}: the copy goes into {@code _data/.strata-populate} (same filesystem as
 *       {@code _data}, even when that is a tmpfs or a device); a crash here deletes it and the
 *       next mount starts over;
 *   <li>{@code MOVING}: the copy is whole; its entries are renamed into {@code _data} and the image
 *       directory's own owner, mode, xattrs and times applied to {@code _data}; a crash here
 *       resumes the moves;
 *   <li>{@code DONE}: never again, even if the volume is emptied later (Podman's rule; Docker
 *       copies whenever the volume is empty).
 * </ol>
 *
 * A volume that already has entries is marked done without copying (Docker's "copy only into an
 * empty volume"); a missing or non-directory source is skipped and left to a later mount.
 */
final class Populator {

  static final String STAGING = ".strata-populate";

  /** Copies trees keeping owner, mode, times, xattrs and hardlinks. */
  interface Copier {
    /** Copies the entries of {@code sourceDir} into {@code existingDir}. */
    void copyInto(Path sourceDir, Path existingDir) throws IOException;

    /** Gives {@code target} the owner, mode, xattrs and times of {@code source}. */
    void copyAttributes(Path source, Path target) throws IOException;

    /** Makes everything written on the filesystem holding {@code dir} durable (one {@code syncfs}). */
    void sync(Path dir) throws IOException;
  }

  /** Reads and writes the populate step of one volume. */
  interface Progress {
    VolumeState.Populate get() throws IOException;

    void set(VolumeState.Populate step) throws IOException;
  }

  private final Copier copier;

  Populator(Copier copier) {
    this.copier = copier;
  }

  /**
   * Populates {@code data} from {@code source} if this volume never was.
   *
   * @return true when entries were copied in by this call (or a resumed one)
   */
  boolean populate(Path data, Path source, Progress progress) throws IOException {
    Path staging = data.resolve(STAGING);
    switch (progress.get()) {
      case DONE:
        return false;
      case MOVING:
        finish(data, staging, source, progress);
        return true;
      case COPYING:
        recover(data, progress);
        break;
      case NONE:
      default:
        break;
    }
    if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (hasEntries(data)) {
      progress.set(VolumeState.Populate.DONE);
      return false;
    }
    progress.set(VolumeState.Populate.COPYING);
    Files.createDirectory(staging);
    copier.copyInto(source, staging);
    // The copy reaches the disk before MOVING calls it whole: after a power cut MOVING only moves
    // what is there and DONE never copies again, so an unflushed copy would stay in the volume
    // for good as empty or zero-filled files.
    copier.sync(staging);
    progress.set(VolumeState.Populate.MOVING);
    finish(data, staging, source, progress);
    return true;
  }

  /**
   * Deletes the half copy an interrupted {@code COPYING} left, so the next mount starts over. An
   * interrupted {@code MOVING} is left for the next {@link #populate}, which finishes it.
   */
  void recover(Path data, Progress progress) throws IOException {
    if (progress.get() == VolumeState.Populate.COPYING) {
      Path staging = data.resolve(STAGING);
      if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
        FileTrees.delete(staging);
      }
      progress.set(VolumeState.Populate.NONE);
    }
  }

  private void finish(Path data, Path staging, Path source, Progress progress) throws IOException {
    if (Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
        for (Path entry : entries) {
          Files.move(entry, data.resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
      }
      // Last, because the moves changed _data's mtime; the staging root stands in for a source
      // that went away between a crash and this resumption (its mtime then is the move's).
      Path attributes = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) ? source : staging;
      copier.copyAttributes(attributes, data);
      java.nio.file.attribute.FileTime modified = Files.getLastModifiedTime(data);
      // Removing the staging directory changes _data's mtime once more: put back the one applied.
      Files.delete(staging);
      Files.setLastModifiedTime(data, modified);
      // The moves reach the disk before DONE: _data may be another filesystem than state.json
      // (a volume's own device), whose journal does not order one before the other.
      copier.sync(data);
    }
    progress.set(VolumeState.Populate.DONE);
  }

  private static boolean hasEntries(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> !e.getFileName().toString().equals(STAGING))) {
      return entries.iterator().hasNext();
    }
  }
}
