package dev.strata.layer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import dev.strata.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link LayerBlob}s of one layer, in {@code blobs.json} beside its record ({@code
 * layerdb/sha256/<chain>/blobs.json}), so they go when the layer goes: a JSON array, newest first,
 * of {@code {"digest", "mediaType", "size", "repository"?}}, at most {@link #MAX_BLOBS} (as
 * Docker caps its distribution metadata), replaced whole by an atomic write.
 *
 * <p>The record is a hint: a push that finds none compresses the layer as it always could. So a
 * damaged file (not JSON, too large, not a regular file) or a bad entry is logged and ignored, and
 * the next {@link #add} writes a clean one; it never makes the layer unusable.
 */
final class LayerBlobs {

  static final String FILE = "blobs.json";
  static final int MAX_BLOBS = 16;
  /** Far above {@link #MAX_BLOBS} entries; a larger file was not written by us. */
  static final int MAX_FILE = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(LayerBlobs.class.getName());

  private LayerBlobs() {}

  /** The blobs recorded in layer directory {@code dir}; empty when none are, or the record is unusable. */
  static List<LayerBlob> read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    JsonNode root;
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new CorruptException(file.toString(), "not a regular file");
      }
      byte[] bytes;
      try (InputStream in = Channels.newInputStream(Files.newByteChannel(file,
          Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)))) {
        bytes = in.readNBytes(MAX_FILE + 1);
      }
      if (bytes.length > MAX_FILE) {
        throw new CorruptException(file.toString(), "larger than " + MAX_FILE + " bytes");
      }
      root = Json.parse(bytes, file.toString());
      if (!root.isArray()) {
        throw new CorruptException(file.toString(), "not a JSON array");
      }
    } catch (NoSuchFileException gone) {
      return List.of(); // the layer was removed meanwhile
    } catch (CorruptException e) {
      LOG.log(Level.WARNING, "ignoring the damaged blob record {0} ({1}); a push compresses the layer instead,"
          + " and the next pull or push of it writes the record anew", file, e.getMessage());
      return List.of();
    }
    List<LayerBlob> blobs = new ArrayList<>();
    for (JsonNode entry : root) {
      parse(entry, file).ifPresent(blobs::add);
      if (blobs.size() == MAX_BLOBS) {
        break;
      }
    }
    return blobs;
  }

  /** Puts {@code blob} first in the record of layer directory {@code dir}, dropping its older copy and the oldest past the cap. */
  static void add(Path dir, LayerBlob blob) throws IOException {
    List<LayerBlob> blobs = new ArrayList<>();
    blobs.add(blob);
    for (LayerBlob b : read(dir)) {
      if (!b.sameAs(blob) && blobs.size() < MAX_BLOBS) {
        blobs.add(b);
      }
    }
    ArrayNode array = Json.array();
    for (LayerBlob b : blobs) {
      ObjectNode o = array.addObject();
      o.put("digest", b.digest().toString());
      o.put("mediaType", b.mediaType());
      o.put("size", b.size());
      b.repository().ifPresent(r -> o.put("repository", r));
    }
    // Temporaries of writes a crash cut short; every writer here holds the records lock, as we do.
    AtomicFiles.sweep(dir);
    AtomicFiles.write(dir.resolve(FILE), Json.bytes(array));
  }

  private static Optional<LayerBlob> parse(JsonNode entry, Path file) {
    try {
      if (!entry.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      Digest digest = Digest.parse(entry.path("digest").asText(""));
      JsonNode size = entry.get("size");
      if (size == null || !size.canConvertToLong()) {
        throw new IllegalArgumentException("no integer size");
      }
      Optional<String> repository = entry.hasNonNull("repository")
          ? Optional.of(entry.get("repository").asText()) : Optional.empty();
      return Optional.of(new LayerBlob(digest, entry.path("mediaType").asText(""), size.asLong(), repository));
    } catch (IllegalArgumentException e) {
      LOG.log(Level.WARNING, "ignoring an entry of the blob record {0}: {1}", file, e.getMessage());
      return Optional.empty();
    }
  }
}
