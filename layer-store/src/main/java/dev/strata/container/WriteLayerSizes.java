package dev.strata.container;

import dev.strata.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A container's write-layer size as last counted while it was unmounted, kept in {@code
 * <containers>/<name>/write-layer-size}: an unmounted root filesystem does not change, so {@code
 * strata system df} reads the figure instead of walking the layer again. Mounting deletes it first
 * (writes may follow); the caller holds the container's lock around both, so a count taken before
 * a mount is never stored after it.
 */
final class WriteLayerSizes {

  static final String FILE = "write-layer-size";

  private WriteLayerSizes() {}

  static OptionalLong read(Path containerDir) throws IOException {
    try {
      String text = Files.readString(containerDir.resolve(FILE), StandardCharsets.US_ASCII).trim();
      long bytes = Long.parseLong(text);
      return bytes < 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
    } catch (NoSuchFileException absent) {
      return OptionalLong.empty();
    } catch (NumberFormatException damaged) {
      // A torn or edited figure is only a cache: count again.
      return OptionalLong.empty();
    }
  }

  static void write(Path containerDir, long bytes) throws IOException {
    AtomicFiles.writeString(containerDir.resolve(FILE), bytes + "\n");
  }

  static void forget(Path containerDir) throws IOException {
    Files.deleteIfExists(containerDir.resolve(FILE));
  }
}
