package dev.strata.image;

import dev.strata.driver.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/** Layer tars built entry by entry, as an image builder would write them. */
final class TestLayers {

  enum Compression { PLAIN, GZIP, ZSTD }

  private TestLayers() {}

  /** A base layer: a few directories and files, including {@code /x} and {@code /opt/old}. */
  static byte[] base() {
    return tar(t -> {
      dir(t, "bin/");
      file(t, "bin/sh", "#!/bin/true\n", 0755);
      dir(t, "etc/");
      file(t, "etc/hostname", "base\n", 0644);
      file(t, "x", "to be whited out\n", 0644);
      dir(t, "opt/");
      file(t, "opt/old", "hidden by the opaque dir\n", 0644);
    });
  }

  /** A second layer: whites out {@code /x}, makes {@code /opt} opaque, adds files. */
  static byte[] second() {
    return tar(t -> {
      file(t, ".wh.x", "", 0644);
      dir(t, "opt/");
      file(t, "opt/.wh..wh..opq", "", 0644);
      file(t, "opt/new", "only this in /opt\n", 0644);
      dir(t, "etc/");
      file(t, "etc/motd", "hello from layer two\n", 0644);
    });
  }

  /** A one-file layer whose content depends on {@code seed}, to make distinct images. */
  static byte[] single(String seed) {
    return tar(t -> file(t, "seed", seed + "\n", 0644));
  }

  static Digest diffId(byte[] tar) {
    return Digest.sha256Of(tar);
  }

  static byte[] compress(byte[] tar, Compression compression) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      OutputStream out = switch (compression) {
        case PLAIN -> bytes;
        case GZIP -> new GzipCompressorOutputStream(bytes);
        case ZSTD -> new ZstdCompressorOutputStream(bytes);
      };
      out.write(tar);
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  static byte[] tar(Entries entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entries.write(tar);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static void dir(TarArchiveOutputStream tar, String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(040755);
    entry.setModTime(Instant.parse("2024-01-02T03:04:05Z").toEpochMilli());
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
    file(tar, name, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  static void file(TarArchiveOutputStream tar, String name, byte[] content, int mode) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(0100000 | mode);
    entry.setSize(content.length);
    entry.setModTime(Instant.parse("2024-01-02T03:04:05Z").toEpochMilli());
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }
}
