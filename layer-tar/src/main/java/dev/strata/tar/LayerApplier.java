package dev.strata.tar;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Digest;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.StorageException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Applies a layer tar stream into a directory, the way {@code docker load} and {@code docker pull}
 * unpack a layer: regular files (sparse ones stay sparse), directories, symlinks, hard links,
 * devices and FIFOs, with owner, mode (setuid, setgid, sticky), nanosecond times and xattrs; {@code
 * .wh.NAME} and {@code .wh..wh..opq} are handed to a {@link WhiteoutPolicy}.
 *
 * <pre>{@code
 * ApplyResult r = new LayerApplier(ApplyOptions.privileged(), new DeletingWhiteouts())
 *     .apply(blob, stagingDir);          // gzip, zstd, xz, bzip2 or plain
 * r.diffId();                            // sha256 of the uncompressed tar
 * }</pre>
 *
 * <p><b>The tar is untrusted.</b> Nothing it says is created, changed or deleted outside {@code
 * root}. Names are cleaned lexically: a leading {@code /} is dropped (GNU tar and Docker do the
 * same) and {@code a/../b} is {@code b}, while a name that climbs above the root is refused. Every
 * parent of an entry must be a real directory (a symlink parent is refused, even one pointing
 * inside), missing parents are created 0755. Hard links must name an existing non-directory inside
 * the root; symlinks may point anywhere because the applier never follows them. A malformed or
 * hostile archive raises {@link dev.strata.driver.error.CorruptException} naming the entry; a device
 * node when {@link ApplyOptions#createDevices()} is off raises {@link UnsupportedException}. A
 * failed apply leaves {@code root} half-written: callers apply into a staging directory and discard
 * it on failure.
 *
 * <p>The whole stream is consumed, trailing zero blocks and padding included, so the DiffID covers
 * every byte. Memory stays flat: one 256 KiB buffer, whatever the size of the layer.
 */
public final class LayerApplier {

  private final ApplyOptions options;
  private final WhiteoutPolicy whiteouts;
  private final FileNodes nodes = new FileNodes();
  private final Xattrs xattrs = new Xattrs();

  public LayerApplier(ApplyOptions options, WhiteoutPolicy whiteouts) {
    this.options = Objects.requireNonNull(options, "options");
    this.whiteouts = Objects.requireNonNull(whiteouts, "whiteouts");
  }

  /**
   * Applies {@code layerTar} (plain or compressed) into {@code root}, which must exist. Consumes the
   * whole stream so the DiffID covers every byte; does not close it.
   *
   * @throws NotFoundException when {@code root} does not exist
   * @throws InvalidArgumentException when {@code root} is not a directory
   * @throws dev.strata.driver.error.CorruptException when the archive is malformed, truncated or
   *     hostile (an entry escaping the root, a symlink parent, a bad hard link or whiteout)
   * @throws UnsupportedException for a device node with device creation off, or an xattr the
   *     filesystem or the process's privileges cannot set
   * @throws IOException when the filesystem fails (ENOSPC, EPERM on chown without root); the message
   *     names the entry
   */
  public ApplyResult apply(InputStream layerTar, Path root) throws IOException {
    Objects.requireNonNull(layerTar, "layerTar");
    Path dir;
    try {
      dir = Objects.requireNonNull(root, "root").toRealPath();
    } catch (NoSuchFileException e) {
      throw new NotFoundException(root.toString(), "apply target '" + root + "' does not exist; create it first", e);
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidArgumentException(root.toString(), "apply target '" + root + "' is not a directory");
    }
    try (TarReader reader = new TarReader(layerTar);
         ApplySession session = new ApplySession(dir, options, whiteouts, nodes,
             new Metadata(nodes, xattrs, options.restoreOwnership()))) {
      long entries = 0;
      for (TarEntry e = reader.next(); e != null; e = reader.next()) {
        entries++;
        try {
          session.apply(e, reader);
        } catch (StorageException | EntryWriteException x) {
          throw x;
        } catch (IOException x) {
          throw new IOException(e.describe() + ": " + x.getMessage(), x);
        }
      }
      session.finish();
      Digest diffId = reader.finish();
      return new ApplyResult(diffId, session.size(), entries, session.setsRoot());
    }
  }
}
