package dev.strata.volume;

import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.json.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The volumes directory on disk, as Docker lays it out:
 *
 * <pre>
 * volumes/                 0701
 *   NAME/                  0701
 *     _data/               0755, what containers see
 *     opts.json            0600, the driver options
 *     volume.json          0600, driver, labels, creation time
 *     state.json           0600, references, mounts, populate progress
 *     size.json            0600, the content bytes of _data as last counted (see VolumeSizes)
 *   .staging-UUID/         a volume being created; renamed to NAME when whole
 *   .trash-UUID/           a volume being removed; renamed here first, then deleted
 * </pre>
 *
 * Every JSON file is replaced atomically, so a crash leaves the old content or the new.
 */
final class VolumeFiles {

  static final String DATA = "_data";
  static final String STAGING_PREFIX = ".staging-";
  static final String TRASH_PREFIX = ".trash-";

  /** What {@code volume.json} holds. */
  record Meta(String name, String driver, String createdAt, Map<String, String> labels) {
    Meta {
      labels = labels == null ? Map.of() : new TreeMap<>(labels);
    }
  }

  /** What {@code size.json} holds: {@code _data}'s content bytes and when they were counted. */
  record CountedSize(long bytes, String countedAt) {
    CountedSize {
      if (bytes < 0) {
        throw new IllegalArgumentException("negative volume size " + bytes);
      }
    }
  }

  private final Path dir;

  VolumeFiles(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code volumes/} (0701) when missing. */
  static VolumeFiles open(Path volumesDir) throws IOException {
    Files.createDirectories(volumesDir);
    Files.setPosixFilePermissions(volumesDir, PosixFilePermissions.fromString("rwx-----x"));
    return new VolumeFiles(volumesDir);
  }

  Path dir() {
    return dir;
  }

  Path volume(String name) {
    return dir.resolve(name);
  }

  Path data(String name) {
    return volume(name).resolve(DATA);
  }

  boolean exists(String name) {
    return Files.isDirectory(volume(name), LinkOption.NOFOLLOW_LINKS)
        && (Files.exists(volume(name).resolve("volume.json")) || Files.exists(data(name), LinkOption.NOFOLLOW_LINKS)
            || Files.exists(volume(name).resolve("opts.json")));
  }

  /** The names of every volume (a directory with {@code _data} or metadata), sorted. */
  List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (VolumeNames.valid(name) && exists(name)) {
          names.add(name);
        }
      }
    }
    names.sort(null);
    return names;
  }

  /** Directories a crash left behind: half-created and half-removed volumes. */
  List<Path> leftovers() throws IOException {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX)) {
          found.add(entry);
        }
      }
    }
    return found;
  }

  /** A fresh, empty staging directory, to be filled and then {@link #publish}ed. */
  Path stage() throws IOException {
    Path staging = dir.resolve(STAGING_PREFIX + UUID.randomUUID());
    Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx-----x")));
    Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwx-----x"));
    return staging;
  }

  /** Creates {@code _data} (0755) in a staging directory. */
  static void createData(Path staging) throws IOException {
    Path data = Files.createDirectory(staging.resolve(DATA));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * Renames a whole staging directory to {@code volumes/NAME}.
   *
   * @throws java.nio.file.FileAlreadyExistsException if another volume took the name meanwhile
   */
  void publish(Path staging, String name) throws IOException {
    AtomicFiles.syncDirectory(staging);
    Files.move(staging, volume(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(dir);
  }

  /** Renames {@code volumes/NAME} aside so it stops being a volume at once; returns the new place. */
  Path discard(String name) throws IOException {
    Path trash = dir.resolve(TRASH_PREFIX + UUID.randomUUID());
    Files.move(volume(name), trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(dir);
    return trash;
  }

  void writeMeta(Path volumeDir, Meta meta) throws IOException {
    write(volumeDir.resolve("volume.json"), Json.bytes(meta));
  }

  void writeOptions(Path volumeDir, Map<String, String> options) throws IOException {
    write(volumeDir.resolve("opts.json"), Json.bytes(new TreeMap<>(options)));
  }

  void writeState(Path volumeDir, VolumeState state) throws IOException {
    write(volumeDir.resolve("state.json"), Json.bytes(state));
  }

  /** {@code volume.json}, or a reconstruction for a directory made by hand or by Docker. */
  Meta meta(String name) throws IOException {
    Optional<byte[]> bytes = read(volume(name).resolve("volume.json"));
    if (bytes.isEmpty()) {
      Instant created = Files.getLastModifiedTime(volume(name)).toInstant();
      return new Meta(name, "local", created.toString(), Map.of());
    }
    return parse(name, "volume.json", bytes.get(), Meta.class);
  }

  Map<String, String> options(String name) throws IOException {
    Optional<byte[]> bytes = read(volume(name).resolve("opts.json"));
    if (bytes.isEmpty() || new String(bytes.get(), java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return Map.of(); // Docker accepts an empty or null opts.json
    }
    try {
      Map<String, String> options = Json.stringMap(bytes.get());
      return options == null ? Map.of() : options;
    } catch (IOException e) {
      throw new CorruptException(name, "opts.json of volume " + name + " is not a JSON object of strings: " + e.getMessage(), e);
    }
  }

  VolumeState state(String name) throws IOException {
    Optional<byte[]> bytes = read(volume(name).resolve("state.json"));
    return bytes.isEmpty() ? VolumeState.empty() : parse(name, "state.json", bytes.get(), VolumeState.class);
  }

  /** {@code size.json}; empty when the volume was never counted (or its count was dropped). */
  Optional<CountedSize> countedSize(String name) throws IOException {
    Optional<byte[]> bytes = read(volume(name).resolve("size.json"));
    return bytes.isEmpty() ? Optional.empty() : Optional.of(parse(name, "size.json", bytes.get(), CountedSize.class));
  }

  void writeCountedSize(String name, CountedSize size) throws IOException {
    write(volume(name).resolve("size.json"), Json.bytes(size));
  }

  void forgetCountedSize(String name) throws IOException {
    AtomicFiles.delete(volume(name).resolve("size.json"));
  }

  private <T> T parse(String name, String file, byte[] bytes, Class<T> type) throws CorruptException {
    try {
      return Json.value(bytes, type);
    } catch (IOException e) {
      throw new CorruptException(name, file + " of volume " + name + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Optional<byte[]> read(Path file) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    AtomicFiles.write(file, bytes, PosixFilePermissions.fromString("rw-------"));
  }
}
