package dev.strata.image;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.files.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The files of an image archive, on disk: the directory given, or a tar extracted into {@code
 * <root>/tmp/image-load-*} (deleted on {@link #close}). Every name the archive's own documents
 * mention goes through {@link #file}, which refuses names that leave the archive.
 */
final class ArchiveTree implements AutoCloseable {

  /** The largest JSON document read (a config with a long history is well under a megabyte). */
  static final long MAX_DOCUMENT = 32L << 20;
  private static final int MAX_LINK_HOPS = 40;

  private final String label;
  private final Path root;
  private final Map<String, String> links;
  private final boolean extracted;

  private ArchiveTree(String label, Path root, Map<String, String> links, boolean extracted) {
    this.label = label;
    this.root = root;
    this.links = Map.copyOf(links);
    this.extracted = extracted;
  }

  /**
   * Opens a directory as it is, or extracts a tar file (plain or compressed) under {@code tmpRoot}.
   *
   * @throws NotFoundException if {@code input} does not exist
   * @throws CorruptException if the tar is unreadable or hostile
   */
  static ArchiveTree open(Path input, Path tmpRoot) throws IOException {
    if (!Files.exists(input)) {
      throw new NotFoundException(input.toString(), "image archive " + input + " does not exist");
    }
    if (Files.isDirectory(input)) {
      return new ArchiveTree(input.toString(), input.toRealPath(), Map.of(), false);
    }
    Path dir = StagingDirs.create(tmpRoot, "load");
    try {
      Map<String, String> links = TarExtractor.extract(input, dir);
      return new ArchiveTree(input.toString(), dir.toRealPath(), links, true);
    } catch (IOException | RuntimeException e) {
      try {
        FileTrees.delete(dir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** What to call the archive in messages. */
  String label() {
    return label;
  }

  /** Whether the archive holds a regular file called {@code name}. */
  boolean has(String name) throws IOException {
    Optional<String> clean = ArchivePaths.clean(name);
    return clean.isPresent() && locate(clean.get(), name).isPresent();
  }

  /** Whether the archive holds anything, of any type, called {@code name}. */
  boolean holds(String name) {
    Optional<String> clean = ArchivePaths.clean(name);
    return clean.isPresent() && (links.containsKey(clean.get())
        || Files.exists(root.resolve(clean.get()), LinkOption.NOFOLLOW_LINKS));
  }

  /**
   * The regular file the archive calls {@code name}.
   *
   * @param what names the reference in errors, e.g. {@code "manifest.json[0] layer 2"}
   * @throws InvalidArgumentException if {@code name} is absolute, climbs out with {@code ..} or
   *     (in a directory) resolves through a symlink to outside the archive
   * @throws CorruptException if there is no such file, or the name is a directory or special file
   */
  Path file(String name, String what) throws IOException {
    String clean = ArchivePaths.clean(name).orElseThrow(() -> outside(name, what));
    Optional<Path> found = locate(clean, name);
    if (found.isEmpty() && holds(clean)) {
      throw new CorruptException(name, label + ": " + what + " " + quoted(name)
          + " is a directory or special file where a regular file is expected");
    }
    return found.orElseThrow(() -> new CorruptException(name,
        label + ": " + what + " " + quoted(name) + " is missing from the archive"));
  }

  /**
   * Reads one of the archive's JSON documents (an index, a manifest, a config), refusing one
   * larger than {@link #MAX_DOCUMENT}: a hostile archive could otherwise make the load read
   * gigabytes into memory.
   *
   * @param what names the document in errors
   * @throws CorruptException if the file is missing or too large
   */
  static byte[] readDocument(Path file, String what) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) MAX_DOCUMENT + 1);
      if (bytes.length > MAX_DOCUMENT) {
        throw new CorruptException(what, what + " is larger than " + MAX_DOCUMENT + " bytes; not an image document");
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw new CorruptException(what, what + " is missing from the archive");
    }
  }

  private Optional<Path> locate(String clean, String name) throws IOException {
    String current = clean;
    for (int hops = 0; links.containsKey(current); hops++) {
      if (hops == MAX_LINK_HOPS) {
        throw new CorruptException(name, label + ": links from " + quoted(name) + " loop");
      }
      current = links.get(current);
    }
    Path path = root.resolve(current);
    if (extracted) {
      // Extraction puts no symlink on disk, so a clean name cannot leave the root.
      return Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? Optional.of(path) : Optional.empty();
    }
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    Path real = path.toRealPath();
    if (!real.startsWith(root)) {
      throw new InvalidArgumentException(name, label + ": " + quoted(name) + " resolves through a symlink to "
          + real + ", outside the archive; archive paths must stay inside it");
    }
    return Files.isRegularFile(real) ? Optional.of(real) : Optional.empty();
  }

  private InvalidArgumentException outside(String name, String what) {
    return new InvalidArgumentException(name, label + ": " + what + " " + quoted(name)
        + " points outside the archive; archive paths must be clean relative paths");
  }

  @Override
  public void close() throws IOException {
    if (extracted) {
      FileTrees.delete(root);
    }
  }
}
