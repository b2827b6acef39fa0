package dev.strata.image;

import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The image store on disk: {@code imagedb/content/sha256/<id>} (configs, byte for byte) and
 * {@code repositories.json} (tags) under the layer store's metadata root. Every write is atomic.
 */
final class ImageDb {

  private static final System.Logger LOG = System.getLogger(ImageDb.class.getName());

  private static final String ADDING = "adding-";
  private static final String REMOVING = "removing-";

  private final Path contentDir;
  private final TagFile tagFile;

  ImageDb(Path metadataRoot) {
    this.contentDir = metadataRoot.resolve("imagedb").resolve("content").resolve("sha256");
    this.tagFile = new TagFile(metadataRoot.resolve("repositories.json"));
  }

  /** Deletes the temporaries an interrupted write left; only while no other process writes here. */
  void sweep() throws IOException {
    Files.createDirectories(contentDir);
    AtomicFiles.sweep(contentDir);
    AtomicFiles.sweep(tagFile.path().getParent());
  }

  /**
   * Reads every config. A config whose bytes no longer hash to its name, or that no longer parses,
   * is skipped with a warning: one damaged image must not make the others unreachable, and its
   * layers are kept (its reference is never dropped), so nothing is lost. Temporaries (another
   * process's write in flight) are not configs.
   */
  Map<ImageId, ImageConfig> loadConfigs() throws IOException {
    Files.createDirectories(contentDir);
    Map<ImageId, ImageConfig> configs = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(contentDir)) {
      for (Path file : files) {
        if (file.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
          continue;
        }
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException removed) {
          continue; // deleted by another process's rmi between the listing and the read
        }
        ImageId id = ImageId.ofConfig(bytes);
        if (!id.digest().hex().equals(file.getFileName().toString())) {
          LOG.log(Level.WARNING, "ignoring image config {0}: its content hashes to {1}; the image is "
              + "unusable and its layers stay until removed by hand", file, id);
          continue;
        }
        try {
          configs.put(id, ImageConfig.parse(bytes, file.toString()));
        } catch (CorruptException e) {
          LOG.log(Level.WARNING, "ignoring image config {0}: {1}", file, e.getMessage());
        }
      }
    }
    return configs;
  }

  /** Every tag in {@code repositories.json}, whether its image exists or not. */
  Map<Reference, ImageId> rawTags() throws IOException {
    return tagFile.read();
  }

  /** Tags of images in {@code known}; a tag of an unknown image is dropped with a warning. */
  Map<Reference, ImageId> loadTags(Map<ImageId, ImageConfig> known) throws IOException {
    Map<Reference, ImageId> tags = new TreeMap<>();
    for (Map.Entry<Reference, ImageId> tag : tagFile.read().entrySet()) {
      if (known.containsKey(tag.getValue())) {
        tags.put(tag.getKey(), tag.getValue());
      } else {
        LOG.log(Level.WARNING, "dropping tag {0}: image {1} is not in the store", tag.getKey(), tag.getValue());
      }
    }
    return tags;
  }

  /**
   * Records that the configs {@code ids} are about to be written with their tags: until {@link
   * #endChange}, a crash leaves this journal, and {@link #settleInterruptedChanges} deletes whichever
   * of them no tag names, so a killed load never leaves an untagged image behind.
   */
  Path beginAdd(List<ImageId> ids) throws IOException {
    return beginChange(ADDING, ids);
  }

  /**
   * Records that the images {@code ids} are about to lose their tags and then their configs: a
   * crash between the two leaves this journal, and {@link #settleInterruptedChanges} finishes the
   * removal, so a killed rmi never leaves an untagged image behind either.
   */
  Path beginRemove(List<ImageId> ids) throws IOException {
    return beginChange(REMOVING, ids);
  }

  void endChange(Path journal) throws IOException {
    AtomicFiles.delete(journal);
  }

  /**
   * Settles the adds and removals a crash interrupted: a journalled config no tag names is deleted
   * (the add is undone, the removal finished); one still tagged stays (the add had finished, the
   * removal had not begun). Returns the configs deleted.
   */
  List<ImageId> settleInterruptedChanges() throws IOException {
    List<ImageId> deleted = new ArrayList<>();
    if (!Files.isDirectory(journalDir())) {
      return deleted;
    }
    Map<Reference, ImageId> tags = tagFile.read();
    for (String kind : List.of(ADDING, REMOVING)) {
      try (DirectoryStream<Path> journals = Files.newDirectoryStream(journalDir(), kind + "*")) {
        for (Path journal : journals) {
          for (String line : Files.readAllLines(journal)) {
            if (line.isBlank()) {
              continue;
            }
            ImageId id = ImageId.parse(line.trim());
            if (!tags.containsValue(id) && Files.exists(configPath(id))) {
              deleteConfig(id);
              deleted.add(id);
            }
          }
          AtomicFiles.delete(journal);
        }
      }
    }
    return deleted;
  }

  private Path beginChange(String kind, List<ImageId> ids) throws IOException {
    Path journal = journalDir().resolve(kind + UUID.randomUUID());
    StringBuilder lines = new StringBuilder();
    ids.forEach(id -> lines.append(id).append('\n'));
    AtomicFiles.writeString(journal, lines.toString());
    return journal;
  }

  private Path journalDir() {
    return contentDir.getParent().getParent();
  }

  void writeTags(Map<Reference, ImageId> tags) throws IOException {
    tagFile.write(tags);
  }

  void writeConfig(ImageId id, byte[] config) throws IOException {
    AtomicFiles.write(configPath(id), config);
  }

  void deleteConfig(ImageId id) throws IOException {
    AtomicFiles.delete(configPath(id));
  }

  /** The config's bytes, checked against the id. */
  byte[] readConfig(ImageId id) throws IOException {
    byte[] bytes = Files.readAllBytes(configPath(id));
    if (!ImageId.ofConfig(bytes).equals(id)) {
      throw new CorruptException(id.toString(), "config of image " + id + " at " + configPath(id)
          + " no longer matches its id; remove the image and load it again");
    }
    return bytes;
  }

  /** Deletes what archive work left in {@code tmpRoot} when the process died. */
  static void sweepStaging(Path tmpRoot) throws IOException {
    if (!Files.isDirectory(tmpRoot)) {
      return;
    }
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmpRoot, StagingDirs.PREFIX + "*")) {
      for (Path leftover : leftovers) {
        FileTrees.delete(leftover);
      }
    }
  }

  private Path configPath(ImageId id) {
    return contentDir.resolve(id.digest().hex());
  }
}
