package dev.strata.snapshotter;

import dev.strata.driver.LayerId;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.json.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The snapshot records on disk: {@code LAYER.json} per snapshot, written whole and durable before
 * the rename that publishes it ({@link AtomicFiles}). Removal renames the record to {@code
 * LAYER.removing} first, so a crash between dropping the record and removing the layer leaves a
 * marker that the next start finishes, never a record without its layer.
 */
final class RecordStore {

  private static final String RECORD = ".json";
  private static final String REMOVING = ".removing";

  private final Path dir;

  RecordStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    AtomicFiles.sweep(dir);
  }

  /** Every published record. */
  List<SnapshotRecord> loadAll() throws IOException {
    List<SnapshotRecord> records = new ArrayList<>();
    for (Path file : list("*" + RECORD)) {
      SnapshotRecord record;
      try {
        record = Json.value(Files.readAllBytes(file), SnapshotRecord.class);
      } catch (IOException | RuntimeException e) {
        throw new CorruptException(file.toString(), "snapshot record " + file + " cannot be read ("
            + e.getMessage() + "); move it out of " + dir + " to start without that snapshot", e);
      }
      if (record == null || !file.getFileName().toString().equals(record.layer() + RECORD)) {
        throw new CorruptException(file.toString(), "snapshot record " + file
            + " does not name its own layer; move it out of " + dir + " to start without it");
      }
      records.add(record);
    }
    return records;
  }

  /** Layers whose removal was begun and not finished. */
  List<LayerId> pendingRemovals() throws IOException {
    List<LayerId> layers = new ArrayList<>();
    for (Path file : list("*" + REMOVING)) {
      String name = file.getFileName().toString();
      layers.add(LayerId.of(name.substring(0, name.length() - REMOVING.length())));
    }
    return layers;
  }

  void write(SnapshotRecord record) throws IOException {
    AtomicFiles.write(recordFile(record.layerId()), Json.bytes(record));
  }

  /** Takes the record out of the published set; {@link #undoRemoval} puts it back. */
  void beginRemoval(LayerId layer) throws IOException {
    rename(recordFile(layer), removingFile(layer));
  }

  void undoRemoval(LayerId layer) throws IOException {
    rename(removingFile(layer), recordFile(layer));
  }

  void finishRemoval(LayerId layer) throws IOException {
    Files.deleteIfExists(removingFile(layer));
    AtomicFiles.syncDirectory(dir);
  }

  private void rename(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(dir);
  }

  private Path recordFile(LayerId layer) {
    return dir.resolve(layer.value() + RECORD);
  }

  private Path removingFile(LayerId layer) {
    return dir.resolve(layer.value() + REMOVING);
  }

  private List<Path> list(String glob) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
      for (Path entry : entries) {
        if (Files.isRegularFile(entry) && !entry.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
          files.add(entry);
        }
      }
    }
    return files;
  }
}
