package dev.strata.image;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes archive files as a tar to a caller's stream (left open). Entries carry a fixed time and
 * owner, so saving the same images twice gives the same bytes.
 */
final class TarSink implements ArchiveSink {

  private static final FileTime EPOCH = FileTime.from(Instant.EPOCH);

  private final TarArchiveOutputStream tar;

  TarSink(OutputStream out) {
    this.tar = new TarArchiveOutputStream(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush(); // the caller owns the stream
      }
    });
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  @Override
  public void directory(String name) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE);
    entry.setLastModifiedTime(EPOCH);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  @Override
  public void file(String name, byte[] content) throws IOException {
    tar.putArchiveEntry(fileEntry(name, content.length));
    tar.write(content);
    tar.closeArchiveEntry();
  }

  @Override
  public void file(String name, Path content, long size) throws IOException {
    tar.putArchiveEntry(fileEntry(name, size));
    try (InputStream in = Files.newInputStream(content)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  @Override
  public void finish() throws IOException {
    tar.finish();
    tar.flush();
  }

  private static TarArchiveEntry fileEntry(String name, long size) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE);
    entry.setSize(size);
    entry.setLastModifiedTime(EPOCH);
    return entry;
  }
}
