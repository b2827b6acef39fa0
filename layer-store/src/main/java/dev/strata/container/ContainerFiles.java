package dev.strata.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.files.FileTrees;
import dev.strata.image.ImageId;
import dev.strata.json.Json;
import dev.strata.volume.MountSpec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <root>/containers/<name>/container.json}, written to a temporary sibling, fsynced and
 * renamed, so a crash leaves the old record or the new one. Removal renames the directory to a
 * {@code .trash-} name first; {@link #sweep} deletes what a crash left.
 */
final class ContainerFiles {

  private static final String FILE = "container.json";
  private static final String TRASH = ".trash-";

  private final Path dir;

  ContainerFiles(Path dir) {
    this.dir = dir;
  }

  /** Names that have a record, sorted. Callers validated nothing: names come from the disk. */
  List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.startsWith(".") && Files.isRegularFile(p.resolve(FILE))) {
          names.add(name);
        }
      }
    }
    names.sort(null);
    return names;
  }

  /** The record of a name already validated as a container name. */
  Optional<Container> read(String name) throws IOException {
    Path file = dir.resolve(name).resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException removed) {
      return Optional.empty(); // removed by another process's rm between the check and the read
    }
    try {
      JsonNode node = Json.parse(bytes, file.toString());
      String image = node.path("image").asText("");
      List<MountSpec> mounts = new ArrayList<>();
      for (JsonNode m : node.path("mounts")) {
        mounts.add(MountSpecJson.read(m));
      }
      String label = node.path("mount_label").asText("");
      return Optional.of(new Container(node.path("name").asText(name),
          image.isEmpty() ? Optional.empty() : Optional.of(ImageId.parse(image)),
          node.path("image_ref").asText(""),
          Instant.parse(node.path("created").asText(Instant.EPOCH.toString())),
          mounts, label.isEmpty() ? Optional.empty() : Optional.of(label)));
    } catch (IOException | RuntimeException e) {
      throw new CorruptException(file.toString(), "container record " + file + " is unreadable ("
          + e.getMessage() + "); remove the container with `strata rm -f " + name + "`", e);
    }
  }

  void write(Container record) throws IOException {
    ObjectNode node = Json.object();
    node.put("name", record.name());
    node.put("image", record.image().map(ImageId::toString).orElse(""));
    node.put("image_ref", record.imageRef());
    node.put("created", record.created().toString());
    ArrayNode mounts = node.putArray("mounts");
    for (MountSpec m : record.mounts()) {
      mounts.add(MountSpecJson.write(m));
    }
    node.put("mount_label", record.mountLabel().orElse(""));
    Path target = Files.createDirectories(dir.resolve(record.name())).resolve(FILE);
    AtomicFiles.write(target, Json.bytes(node));
  }

  /** {@code <root>/containers/<name>}: private places of a container (its tmpfs mounts). */
  Path directory(String name) {
    return dir.resolve(name);
  }

  void delete(String name) throws IOException {
    Path source = dir.resolve(name);
    if (!Files.exists(source)) {
      return;
    }
    Path trash = dir.resolve(TRASH + name + "-" + UUID.randomUUID());
    Files.move(source, trash, StandardCopyOption.ATOMIC_MOVE);
    FileTrees.delete(trash);
  }

  /** Deletes half-written records and half-removed directories. */
  void sweep() throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        if (p.getFileName().toString().startsWith(TRASH)) {
          FileTrees.delete(p);
        } else if (Files.isDirectory(p)) {
          AtomicFiles.sweep(p);
        }
      }
    }
  }
}
