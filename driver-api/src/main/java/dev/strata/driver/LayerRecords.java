package dev.strata.driver;

import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Per-layer metadata as small properties files, {@code <dir>/<id>.properties}: {@code parent}
 * (empty for a base layer), {@code writable} and {@code depth}; {@link LayerDirectories}'. Each
 * record is written to a temporary file and renamed into place, so a running system never sees
 * half of one.
 *
 * <p>A crash can: when the record's content is not flushed before the rename ({@code flush}
 * false, the caller syncing later), the rename may reach the disk and the content not. Such a
 * record comes back empty, or (ext4, whose size can reach the disk before the data block) as
 * zeros; never torn, since a record is far smaller than one block, which is written whole or not
 * at all. A record that is empty or all zeros is therefore a layer that was never made durable,
 * which no one can have published: {@link #readAll} leaves it out and the sweep removes it.
 */
final class LayerRecords {

  static final String SUFFIX = ".properties";
  static final String TEMP_PREFIX = ".tmp-";
  /** More than any record holds (three short properties), less than a block. */
  private static final long MAX_RECORD = 1024;

  private final String driver;
  private final String contentDir;
  private final Path dir;
  private final boolean flush;

  /**
   * @param driver the driver's name, for messages
   * @param contentDir where the driver keeps layer content ({@code dir/}, {@code subvolumes/}), for messages
   * @param dir where the records live
   * @param flush whether each record's content is flushed before its rename (see {@link
   *     DriverConfig#callerSyncs})
   */
  LayerRecords(String driver, String contentDir, Path dir, boolean flush) {
    this.driver = driver;
    this.contentDir = contentDir;
    this.dir = dir;
    this.flush = flush;
  }

  void write(LayerInfo info) throws IOException {
    Properties p = new Properties();
    p.setProperty("parent", info.parent().map(LayerId::value).orElse(""));
    p.setProperty("writable", Boolean.toString(info.writable()));
    p.setProperty("depth", Integer.toString(info.depth()));
    StringWriter text = new StringWriter();
    p.store(text, "strata " + driver + " layer " + info.id());
    Path temp = dir.resolve(TEMP_PREFIX + info.id().value());
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.ISO_8859_1)));
      if (flush) {
        ch.force(true);
      }
    }
    Files.move(temp, file(info.id()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  void delete(LayerId id) throws IOException {
    Files.deleteIfExists(file(id));
  }

  Path file(LayerId id) {
    return dir.resolve(id.value() + SUFFIX);
  }

  /** Every record on disk, by layer id. */
  Map<LayerId, LayerInfo> readAll() throws IOException {
    Map<LayerId, LayerInfo> all = new HashMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        LayerId id;
        try {
          id = LayerId.of(name.substring(0, name.length() - SUFFIX.length()));
        } catch (IllegalArgumentException e) {
          throw new CorruptException(f.toString(), "layer record " + f + " is not named after a valid"
              + " layer id; remove it and the matching entry under " + contentDir, e);
        }
        try {
          if (!neverWritten(f)) {
            all.put(id, read(id, f));
          }
        } catch (NoSuchFileException removed) {
          // Another process removed the layer between the listing and the read: it is not there.
        }
      }
    }
    return all;
  }

  /** A record whose content never reached the disk: empty or zeros (see the class comment). */
  static boolean neverWritten(Path record) throws IOException {
    if (Files.size(record) > MAX_RECORD) {
      return false; // not a record this class wrote; read() says what is wrong with it
    }
    for (byte b : Files.readAllBytes(record)) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private LayerInfo read(LayerId id, Path f) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.ISO_8859_1)) {
      p.load(r);
      String parent = p.getProperty("parent", "");
      return new LayerInfo(id,
          parent.isEmpty() ? Optional.empty() : Optional.of(LayerId.of(parent)),
          Boolean.parseBoolean(p.getProperty("writable")),
          Integer.parseInt(p.getProperty("depth", "")));
    } catch (IllegalArgumentException e) {
      throw new CorruptException(f.toString(), "layer record " + f + " of " + driver + " layer " + id
          + " is unreadable (" + e.getMessage() + "); remove the layer's " + contentDir + " and record entries", e);
    }
  }
}
