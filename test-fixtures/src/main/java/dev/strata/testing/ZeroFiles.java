package dev.strata.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files of zeros written the way quota tests need them: in 1 MiB chunks, each handed to the
 * kernel as it is written, so that a limit stops the write where it lies and the file keeps what
 * went through.
 */
public final class ZeroFiles {

  private static final int CHUNK = 1 << 20;

  private ZeroFiles() {}

  /**
   * Writes {@code bytes} (rounded up to whole MiB) of zeros to {@code file}; returns what was
   * written. A write the file system refuses throws, with the file holding the chunks before it.
   */
  public static long write(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[CHUNK];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(file)) {
      while (written < bytes) {
        out.write(chunk);
        written += chunk.length;
      }
    }
    return written;
  }
}
