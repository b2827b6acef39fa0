package dev.strata.driver.btrfs;

import dev.strata.driver.LayerRecords;
import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * A layer's subvolume: snapshotted (or created) in {@code staging/}, filled, made read-only for an
 * image layer, renamed into {@code subvolumes/}, and on removal renamed into {@code trash/} before
 * it is destroyed, so a crash at any point leaves the whole layer or something the {@link Sweeper}
 * clears on the next open.
 */
final class LayerSubvolumes {

  /** What goes into a layer once its subvolume starts as its parent's snapshot in {@code staging}. */
  @FunctionalInterface
  interface Fill<T> {
    T into(Path staging) throws IOException;
  }

  private final BtrfsHome home;
  private final Subvolumes subvolumes;
  private final Qgroups qgroups;
  private final LayerRecords records;

  LayerSubvolumes(BtrfsHome home, Subvolumes subvolumes, Qgroups qgroups, LayerRecords records) {
    this.home = home;
    this.subvolumes = subvolumes;
    this.qgroups = qgroups;
    this.records = records;
  }

  /**
   * Snapshots the parent writable (or creates an empty subvolume), limits it to {@code quota}
   * bytes, fills, renames into place, sets read-only when the layer is not writable, then writes
   * the record. On any failure the staging subvolume is destroyed and nothing of the layer is left.
   */
  <T> T build(LayerInfo info, OptionalLong quota, Fill<T> fill) throws IOException {
    Path staging = home.staging().resolve(info.id().value());
    try {
      discard(staging);
      if (info.parent().isPresent()) {
        subvolumes.snapshot(home.layerDir(info.parent().get()), staging, false);
      } else {
        subvolumes.create(staging);
      }
      if (quota.isPresent()) {
        qgroups.enable(staging);
        qgroups.limit(staging, quota.getAsLong());
      }
      T result = fill.into(staging);
      publish(info, staging);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      try {
        discard(staging);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Renames into place, sets read-only, writes the record. Renaming a directory rewrites its
   * {@code ..} entry, which a read-only subvolume refuses ({@code EROFS}), so the flag comes after
   * the rename; a subvolume without a record is swept on open, so the record comes last.
   */
  private void publish(LayerInfo info, Path staging) throws IOException {
    Path dir = home.layerDir(info.id());
    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    try {
      if (!info.writable()) {
        subvolumes.setReadOnly(dir, true);
      }
      records.write(info);
    } catch (IOException e) {
      try {
        makeMovable(dir);
        discard(moveToTrash(info.id()));
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Takes the layer out of {@code subvolumes/} and {@code meta/} at once; it waits in the trash.
   * A read-only subvolume is made writable first so that it can be renamed; a crash right after
   * leaves an image layer writable, which {@link #restoreReadOnly} repairs on open.
   */
  Path remove(LayerId id) throws IOException {
    makeMovable(home.layerDir(id));
    Path away = moveToTrash(id);
    records.delete(id);
    return away;
  }

  /**
   * Destroys whatever is at {@code path}: a subvolume with everything nested in it, or anything
   * else a sweep finds (a plain directory put there by hand) after the subvolumes inside it.
   */
  void discard(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Subvolumes.isSubvolume(path)) {
      subvolumes.destroyTree(path);
      return;
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> nested = Subvolumes.nestedIn(path);
      nested.sort(Comparator.comparingInt(Path::getNameCount));
      for (Path sub : nested) {
        if (Files.exists(sub, LinkOption.NOFOLLOW_LINKS)) {
          subvolumes.destroyTree(sub);
        }
      }
    }
    FileTrees.delete(path);
  }

  /** Clears the read-only flag of a subvolume about to be renamed. */
  void makeMovable(Path subvolume) throws IOException {
    if (Subvolumes.isSubvolume(subvolume) && subvolumes.isReadOnly(subvolume)) {
      subvolumes.setReadOnly(subvolume, false);
    }
  }

  /** Sets the read-only flag again on an image layer whose removal was interrupted. */
  void restoreReadOnly(LayerInfo info) throws IOException {
    Path dir = home.layerDir(info.id());
    if (!info.writable() && Files.isDirectory(dir) && !subvolumes.isReadOnly(dir)) {
      subvolumes.setReadOnly(dir, true);
    }
  }

  private Path moveToTrash(LayerId id) throws IOException {
    Path away = home.trash().resolve(id.value() + "-" + UUID.randomUUID());
    Files.move(home.layerDir(id), away, StandardCopyOption.ATOMIC_MOVE);
    return away;
  }
}
