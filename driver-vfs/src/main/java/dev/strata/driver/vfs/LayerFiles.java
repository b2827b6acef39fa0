package dev.strata.driver.vfs;

import dev.strata.driver.LayerRecords;
import dev.strata.files.FileTrees;
import dev.strata.files.TreeCopy;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A layer's files on disk: built in {@code staging/}, renamed into {@code dir/}, and on removal
 * renamed into {@code trash/} before anything is deleted, so a crash at any point leaves either the
 * whole layer or something the {@link Sweeper} clears on the next open.
 */
final class LayerFiles {

  /** What goes into a layer after its parent's tree has been copied into {@code staging}. */
  @FunctionalInterface
  interface Fill<T> {
    T into(Path staging) throws IOException;
  }

  private final VfsHome home;
  private final TreeCopy copier;
  private final LayerRecords records;

  LayerFiles(VfsHome home, TreeCopy copier, LayerRecords records) {
    this.home = home;
    this.copier = copier;
    this.records = records;
  }

  /**
   * Copies the parent (or makes an empty 0755 root), fills, renames into place, then writes the
   * record. On any failure the staging copy is deleted and nothing of the layer is left.
   */
  <T> T build(LayerInfo info, Fill<T> fill) throws IOException {
    Path staging = home.staging().resolve(info.id().value());
    try {
      FileTrees.delete(staging);
      if (info.parent().isPresent()) {
        copier.copy(home.layerDir(info.parent().get()), staging);
      } else {
        Files.createDirectory(staging);
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      T result = fill.into(staging);
      publish(info, staging);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        FileTrees.delete(staging);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** A tree without a record is swept on open, so the record is written last. */
  private void publish(LayerInfo info, Path staging) throws IOException {
    Path dir = home.layerDir(info.id());
    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    try {
      records.write(info);
    } catch (IOException e) {
      try {
        delete(moveToTrash(info.id()));
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** Takes the layer out of {@code dir/} and {@code meta/} at once; its files wait in the trash. */
  Path remove(LayerId id) throws IOException {
    Path away = moveToTrash(id);
    records.delete(id);
    return away;
  }

  void delete(Path trashed) throws IOException {
    FileTrees.delete(trashed);
  }

  private Path moveToTrash(LayerId id) throws IOException {
    Path away = home.trash().resolve(id.value() + "-" + UUID.randomUUID());
    Files.move(home.layerDir(id), away, StandardCopyOption.ATOMIC_MOVE);
    return away;
  }
}
