package dev.strata.layer;

import static dev.strata.files.PrintableNames.quotedRaw;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.strata.driver.error.CorruptException;
import dev.strata.json.Json;
import dev.strata.posix.RawNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPInputStream;

/**
 * Rebuilds a layer's original tar from its tar-split record and the files of the layer's view.
 * File names are resolved inside the view without following symlinks; a missing or short file
 * makes the layer corrupt.
 */
final class TarSplitReplayer {

  private final String subject;
  private final boolean exactSizes;

  TarSplitReplayer(String subject) {
    this(subject, false);
  }

  /**
   * @param exactSizes also refuse a file longer than recorded: the tar only carries the recorded
   *     bytes, so without this a file grown in place still rebuilds the original tar
   */
  TarSplitReplayer(String subject, boolean exactSizes) {
    this.subject = subject;
    this.exactSizes = exactSizes;
  }

  void replay(Path record, Path view, OutputStream out) throws IOException {
    byte[] buf = new byte[65536];
    try (InputStream gz = new GZIPInputStream(Files.newInputStream(record), 65536);
        JsonParser p = Json.parser(gz)) {
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String type = null;
        String name = null;
        long size = -1;
        byte[] payload = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          switch (field) {
            case "type" -> type = p.getText();
            case "name" -> name = RawNames.ofText(p.getText());
            case "name_raw" -> name = RawNames.string(p.getBinaryValue());
            case "size" -> size = p.getLongValue();
            case "payload" -> payload = p.getBinaryValue();
            default -> p.skipChildren();
          }
        }
        if ("segment".equals(type) && payload != null) {
          out.write(payload);
        } else if ("file".equals(type) && name != null && size >= 0) {
          copyContent(view, name, size, out, buf);
        } else {
          throw new CorruptException(subject, "tar-split record of " + subject + " has a bad entry");
        }
      }
    } catch (JsonProcessingException e) {
      throw new CorruptException(subject, "tar-split record of " + subject + " is damaged: " + e.getOriginalMessage(), e);
    }
  }

  private void copyContent(Path view, String name, long size, OutputStream out, byte[] buf) throws IOException {
    Path file = resolve(view, name);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CorruptException(subject, "layer " + subject + " lost file " + quotedRaw(name));
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        InputStream in = Channels.newInputStream(ch)) {
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new CorruptException(subject, "file " + quotedRaw(name) + " of layer " + subject + " is shorter than recorded");
        }
        out.write(buf, 0, n);
        left -= n;
      }
      if (exactSizes && ch.size() != size) {
        throw new CorruptException(subject, "file " + quotedRaw(name) + " of layer " + subject + " is " + ch.size()
            + " bytes, not the " + size + " recorded");
      }
    }
  }

  /** The entry name (a raw string) cleaned as the applier cleans it; never leaves the view. */
  private Path resolve(Path view, String name) throws CorruptException {
    Path p = view;
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new CorruptException(subject, "tar-split record of " + subject + " names " + quotedRaw(name));
      }
      p = RawNames.resolve(p, part);
    }
    return p;
  }
}
