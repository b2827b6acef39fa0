package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks an image archive (a tar, maybe compressed) into a staging directory. Only regular files
 * and directories reach the disk; symlinks and hardlinks are returned as a map of archive names,
 * resolved inside the archive, so no link on disk can lead a later entry (or a later read)
 * outside the staging directory. Docker's legacy archives use such links to share a {@code
 * layer.tar} between image ids.
 */
final class TarExtractor {

  private TarExtractor() {}

  /**
   * Extracts {@code archive} into {@code dir}.
   *
   * @return links: archive name to the archive name it points at
   * @throws CorruptException if the archive is truncated or corrupt, or an entry escapes it, or is
   *     neither file, directory nor link
   */
  static Map<String, String> extract(Path archive, Path dir) throws IOException {
    String what = "image archive " + archive;
    Map<String, String> links = new HashMap<>();
    try (InputStream in = ArchiveInput.decompressed(Files.newInputStream(archive), what);
         TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry entry;
      String after = "at its start";
      while ((entry = next(tar, what, after)) != null) {
        String raw = entry.getName();
        String name = ArchivePaths.clean(raw).orElseThrow(() -> new CorruptException(raw,
            what + ": entry " + quoted(raw) + " escapes the archive (absolute or '..'); refusing the archive"));
        after = "after entry " + quoted(raw);
        if (name.isEmpty()) {
          continue;
        }
        Path target = dir.resolve(name);
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
          throw new CorruptException(raw, what + ": entry " + quoted(raw)
              + " is a device or FIFO; image archives hold only files, directories and links");
        } else if (entry.isDirectory()) {
          createDirectories(target, what, raw);
        } else if (entry.isSymbolicLink()) {
          String link = entry.getLinkName();
          links.put(name, ArchivePaths.resolveLink(name, link).orElseThrow(() -> new CorruptException(raw,
              what + ": symlink " + quoted(raw) + " -> " + quoted(link) + " points outside the archive; refusing the archive")));
        } else if (entry.isLink()) {
          String link = entry.getLinkName();
          links.put(name, ArchivePaths.clean(link).orElseThrow(() -> new CorruptException(raw,
              what + ": hardlink " + quoted(raw) + " -> " + quoted(link) + " points outside the archive; refusing the archive")));
        } else if (entry.isFile()) {
          links.remove(name);
          createDirectories(target.getParent(), what, raw);
          Files.deleteIfExists(target);
          try (OutputStream out = Files.newOutputStream(target)) {
            copyContent(tar, out, what, raw);
          }
        } else {
          throw new CorruptException(raw, what + ": entry " + quoted(raw) + " is of tar type "
              + quoted(new byte[] {entry.getLinkFlag()}) + "; image archives hold only files, directories and links");
        }
      }
    }
    return links;
  }

  /**
   * The next entry; a failure names the archive and the last entry read, and says what broke (the
   * decompressor's message says where a compressed stream ended).
   */
  private static TarArchiveEntry next(TarArchiveInputStream tar, String what, String after) throws IOException {
    try {
      return tar.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw new CorruptException(what, what + " is not a readable tar " + after + ": " + reason(e), e);
    }
  }

  /** Copies the current entry's content; only a read failure is the archive's, and names the entry. */
  private static void copyContent(InputStream tar, OutputStream out, String what, String entry) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    while (true) {
      int n;
      try {
        n = tar.read(buffer);
      } catch (IOException e) {
        throw new CorruptException(entry, what + ": entry " + quoted(entry) + " is unreadable: " + reason(e), e);
      }
      if (n < 0) {
        return;
      }
      out.write(buffer, 0, n);
    }
  }

  /** The innermost message: {@link ArchiveInput} already wrapped the decompressor's own. */
  private static String reason(Exception e) {
    Throwable t = e;
    while (t instanceof CorruptException && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void createDirectories(Path dir, String what, String entry) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (FileAlreadyExistsException e) {
      throw new CorruptException(entry, what + ": entry " + quoted(entry) + " needs a directory where the archive has a file", e);
    }
  }
}
