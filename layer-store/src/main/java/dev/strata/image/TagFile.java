package dev.strata.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.files.AtomicFiles;
import dev.strata.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code repositories.json} in Docker's layout: {@code {"Repositories": {"busybox":
 * {"busybox:latest": "sha256:<id>"}}}}, written atomically.
 */
final class TagFile {

  private final Path file;

  TagFile(Path file) {
    this.file = file;
  }

  Path path() {
    return file;
  }

  Map<Reference, ImageId> read() throws IOException {
    Map<Reference, ImageId> tags = new TreeMap<>();
    if (!Files.exists(file)) {
      return tags;
    }
    String what = file.toString();
    JsonNode root = Json.parse(Files.readAllBytes(file), what);
    JsonNode repositories = root.get("Repositories");
    if (repositories == null || repositories.isNull()) {
      return tags;
    }
    if (!repositories.isObject()) {
      throw new CorruptException(what, what + ": 'Repositories' is not an object; restore it or delete it to drop all tags");
    }
    for (Iterator<Map.Entry<String, JsonNode>> repos = repositories.fields(); repos.hasNext(); ) {
      Map.Entry<String, JsonNode> repo = repos.next();
      for (Iterator<Map.Entry<String, JsonNode>> refs = repo.getValue().fields(); refs.hasNext(); ) {
        Map.Entry<String, JsonNode> ref = refs.next();
        if (ref.getKey().contains("@")) {
          continue; // digest references (pulled images) are not tags; kept by a registry client, not here
        }
        try {
          tags.put(Reference.parse(ref.getKey()),
              new ImageId(ImageConfig.digest(ref.getValue(), what + " " + ref.getKey())));
        } catch (InvalidArgumentException e) {
          throw new CorruptException(what, what + ": " + e.getMessage(), e);
        }
      }
    }
    return tags;
  }

  void write(Map<Reference, ImageId> tags) throws IOException {
    ObjectNode repositories = Json.object();
    for (Map.Entry<Reference, ImageId> tag : new TreeMap<>(tags).entrySet()) {
      ObjectNode repo = repositories.has(tag.getKey().name())
          ? (ObjectNode) repositories.get(tag.getKey().name())
          : repositories.putObject(tag.getKey().name());
      repo.put(tag.getKey().toString(), tag.getValue().toString());
    }
    ObjectNode root = Json.object();
    root.set("Repositories", repositories);
    AtomicFiles.write(file, Json.bytes(root));
  }
}
