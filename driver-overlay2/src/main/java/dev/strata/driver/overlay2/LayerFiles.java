package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import dev.strata.driver.LayerInfo;
import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The small files of one layer directory: {@code layer.properties} (parent, writable, depth, project-id),
 * {@code link} and {@code lower}. Each is written whole and flushed; a new layer writes them in its
 * staging directory, so the rename that publishes the layer publishes them too.
 */
final class LayerFiles {

  static final String PROPERTIES = "layer.properties";
  static final String LINK = "link";
  static final String LOWER = "lower";
  static final String PROJECT_ID = "project-id";

  private LayerFiles() {}

  static void writeInfo(Path layerDir, LayerInfo info) throws IOException {
    writeInfo(layerDir, info, OptionalInt.empty());
  }

  /** With the xfs project id that holds the layer's quota, when it has one. */
  static void writeInfo(Path layerDir, LayerInfo info, OptionalInt projectId) throws IOException {
    Properties p = new Properties();
    projectId.ifPresent(id -> p.setProperty(PROJECT_ID, Integer.toString(id)));
    p.setProperty("parent", info.parent().map(LayerId::value).orElse(""));
    p.setProperty("writable", Boolean.toString(info.writable()));
    p.setProperty("depth", Integer.toString(info.depth()));
    StringWriter text = new StringWriter();
    p.store(text, "strata overlay2 layer " + info.id());
    write(layerDir.resolve(PROPERTIES), text.toString());
  }

  static LayerInfo readInfo(Path layerDir, LayerId id) throws IOException {
    Path f = layerDir.resolve(PROPERTIES);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
      p.load(r);
      String parent = p.getProperty("parent", "");
      return new LayerInfo(id, parent.isEmpty() ? Optional.empty() : Optional.of(LayerId.of(parent)),
          Boolean.parseBoolean(p.getProperty("writable")), Integer.parseInt(p.getProperty("depth", "")));
    } catch (IllegalArgumentException e) {
      throw new CorruptException(f.toString(), "layer record " + f + " of overlay2 layer " + id
          + " is unreadable (" + e.getMessage() + "); remove the directory " + layerDir, e);
    }
  }

  /** Every layer in the home, by id: the directories that are not the home's own ({@code l}, dot names). */
  static Map<LayerId, LayerInfo> readAll(OverlayHome home) throws IOException {
    Map<LayerId, LayerInfo> layers = new HashMap<>();
    for (Path dir : home.layerDirs()) {
      LayerId id = LayerId.of(dir.getFileName().toString());
      try {
        layers.put(id, readInfo(dir, id));
      } catch (NoSuchFileException removed) {
        // Another process renamed the layer away between the listing and the read: it is not there.
      }
    }
    return layers;
  }

  /** The layer's xfs project id; empty for a layer without a quota. */
  static OptionalInt readProjectId(Path layerDir) throws IOException {
    Path f = layerDir.resolve(PROPERTIES);
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
      p.load(r);
      String id = p.getProperty(PROJECT_ID);
      return id == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(id));
    } catch (IllegalArgumentException e) {
      throw new CorruptException(f.toString(), "layer record " + f + " holds a bad " + PROJECT_ID
          + " (" + e.getMessage() + "); remove the directory " + layerDir, e);
    }
  }

  static String readLink(Path layerDir) throws IOException {
    return Files.readString(layerDir.resolve(LINK), StandardCharsets.US_ASCII).trim();
  }

  /** The ancestors' short names, nearest first; empty for a base layer. */
  static List<String> readLowers(Path layerDir) throws IOException {
    String text;
    try {
      text = Files.readString(layerDir.resolve(LOWER), StandardCharsets.US_ASCII).trim();
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<String> shorts = new ArrayList<>();
    for (String part : text.split(":")) {
      if (!part.startsWith(OverlayHome.LINKS + "/")) {
        throw new CorruptException(layerDir.toString(), "lower file of " + layerDir + " holds '" + part
            + "', not l/SHORT; remove the layer");
      }
      shorts.add(part.substring(2));
    }
    return shorts;
  }

  static void writeLowers(Path layerDir, List<String> shorts) throws IOException {
    write(layerDir.resolve(LOWER), String.join(":", shorts.stream().map(s -> OverlayHome.LINKS + "/" + s).toList()));
  }

  static void writeLink(Path layerDir, String shortName) throws IOException {
    write(layerDir.resolve(LINK), shortName);
  }

  /** Writes through a temporary name and renames, so a crash never leaves a half-written file. */
  static void write(Path file, String content) throws IOException {
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.ISO_8859_1)));
      ch.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

}
