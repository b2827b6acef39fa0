package dev.strata.image;

import java.io.IOException;
import java.nio.file.Path;

/** Where {@link ArchiveWriter} puts an archive's files: a tar stream or a directory. */
interface ArchiveSink {

  void directory(String name) throws IOException;

  void file(String name, byte[] content) throws IOException;

  /** Adds {@code size} bytes from {@code content}, a scratch file the sink may consume. */
  void file(String name, Path content, long size) throws IOException;

  /** Completes the archive; the underlying stream stays open. */
  void finish() throws IOException;
}
