package dev.strata.driver;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A storage driver: keeps layers on disk and presents a stack of them as one directory tree.
 *
 * <h2>Model</h2>
 *
 * <ul>
 *   <li>A <b>layer</b> is a set of filesystem changes, known to the driver by an opaque {@link
 *       LayerId}. It has at most one <b>parent</b>; its <b>view</b> is the parent's view with its
 *       own changes on top (files added or replaced, files deleted by whiteouts, directories made
 *       opaque).
 *   <li>A <b>read-only layer</b> holds an image layer. It is created in one step from a layer tar
 *       ({@link #createReadOnly(LayerId, Optional, InputStream)}) and never changes afterwards.
 *   <li>A <b>writable layer</b> is a container's root filesystem (or the init layer beneath it). It
 *       starts as its parent's view; writes land in the layer itself (copy-up), never in the parent.
 *   <li>To <b>mount</b> a layer is to make its view available as a directory. Mounts are reference
 *       counted: N calls to {@link #mount} need N calls to {@link #unmount} before the view goes.
 *   <li>The <b>diff</b> of a layer is a layer tar of its own changes against its parent; applying
 *       it onto a fresh child of the parent reproduces the layer's view exactly.
 * </ul>
 *
 * <h2>Glossary</h2>
 *
 * <dl>
 *   <dt>whiteout
 *   <dd>a marker that hides a path of the lower layers: {@code .wh.NAME} in a tar
 *   <dt>opaque directory
 *   <dd>a directory through which nothing of the lower layers shows: {@code .wh..wh..opq} in a tar
 *   <dt>DiffID
 *   <dd>sha256 of a layer's uncompressed tar, returned by {@link ApplyResult#diffId()}
 *   <dt>home
 *   <dd>the directory the driver owns, e.g. {@code /var/lib/strata/vfs}
 * </dl>
 *
 * <h2>Load an image</h2>
 *
 * <pre>{@code
 * try (GraphDriver driver = new GraphDrivers().open("vfs", DriverConfig.of(home))) {
 *   LayerId base = LayerId.of("a1");
 *   ApplyResult r1 = driver.createReadOnly(base, Optional.empty(), baseTar);
 *   LayerId app = LayerId.of("b2");
 *   ApplyResult r2 = driver.createReadOnly(app, Optional.of(base), appTar);
 *   // r1.diffId(), r2.diffId() are the image config's rootfs.diff_ids
 * }
 * }</pre>
 *
 * <h2>Run a container</h2>
 *
 * <pre>{@code
 * LayerId rw = LayerId.of("c3");
 * driver.createWritable(rw, Optional.of(app), Map.of());
 * Path rootfs = driver.mount(rw);          // the container's "/"
 * Files.writeString(rootfs.resolve("etc/motd"), "hi");
 * List<Change> changes = driver.changes(rw); // [C /etc, A /etc/motd]
 * try (OutputStream out = Files.newOutputStream(commitTar)) {
 *   driver.diff(rw, out);                  // a layer tar of the container's changes
 * }
 * driver.unmount(rw);
 * driver.remove(rw);
 * }</pre>
 *
 * <h2>Errors</h2>
 *
 * Every failure the driver detects is a {@link dev.strata.driver.error.StorageException}: {@code
 * NotFoundException} for an unknown layer or parent, {@code AlreadyExistsException} for a
 * duplicate id, {@code FailedPreconditionException} for a layer in use (mounted, or with children)
 * and for a stack deeper than {@link #maxDepth()}, {@code InvalidArgumentException} for a bad
 * option, {@code UnsupportedException} for an option this driver or filesystem cannot honour, and
 * {@code CorruptException} for a broken or hostile tar. Other {@link IOException}s are system
 * failures (disk full, I/O error). Every method but {@link #close()} throws {@link
 * IllegalStateException} once the driver is closed.
 *
 * <h2>Writing a driver</h2>
 *
 * Extend {@link AbstractGraphDriver}: it keeps the table of layers, the lock, the closed state and
 * the mount reference counts, and runs the create, remove and diff templates; a driver supplies
 * only how a layer is built, taken away, discarded, mounted, described and measured. Drivers that
 * keep each layer as a whole directory tree build on {@link LayerDirectories}.
 *
 * <p>Implementations are safe for use by several threads at once.
 */
public interface GraphDriver extends AutoCloseable {

  /** The driver's name, as its provider's. */
  String name();

  /** The directory this driver owns. */
  Path home();

  Set<Capability> capabilities();

  /** Facts for {@code strata info}, in display order: backing filesystem, copy method, layers. */
  Map<String, String> status();

  /** The deepest stack (layers, the new one included) this driver accepts. */
  int maxDepth();

  /**
   * Creates a read-only layer from a layer tar, atomically: on any failure no layer {@code id}
   * exists afterwards. The tar may be compressed (gzip, zstd, xz, bzip2, detected by magic). With
   * {@link Capability#INDEPENDENT_LAYERS}, {@code parent} may be a layer whose own create, begun
   * earlier in this process, is still running: this create applies its tar meanwhile and puts the
   * layer in place after the parent.
   *
   * @throws dev.strata.driver.error.AlreadyExistsException if {@code id} exists
   * @throws dev.strata.driver.error.NotFoundException if {@code parent} does not, or its create fails
   * @throws dev.strata.driver.error.FailedPreconditionException if the stack would exceed {@link #maxDepth()}
   * @throws dev.strata.driver.error.CorruptException if the tar is broken or hostile (names the entry)
   */
  ApplyResult createReadOnly(LayerId id, Optional<LayerId> parent, InputStream layerTar) throws IOException;

  /**
   * Creates an empty writable layer whose view starts as {@code parent}'s.
   *
   * @param storageOptions driver-specific options such as {@code size=10G}
   * @throws dev.strata.driver.error.UnsupportedException for an option the driver cannot honour here
   */
  void createWritable(LayerId id, Optional<LayerId> parent, Map<String, String> storageOptions)
      throws IOException;

  /**
   * Removes a layer and its content. Removal is atomic from the caller's view: the layer is gone
   * (renamed away) before its files are deleted.
   *
   * @throws dev.strata.driver.error.NotFoundException if {@code id} does not exist
   * @throws dev.strata.driver.error.FailedPreconditionException if it is mounted or has children
   */
  void remove(LayerId id) throws IOException;

  /**
   * Removes a layer as {@link #remove(LayerId)} does; when {@code force}, a mounted layer is first
   * unmounted (every reference dropped, as {@code docker rm -f} does to a running container's root)
   * instead of being refused. A layer with children is refused either way: forcing never removes
   * another layer's content.
   *
   * <pre>{@code
   * driver.mount(rw);
   * driver.remove(rw, true);   // unmounts, then removes
   * }</pre>
   *
   * <p>The default drops references through {@link #unmount} until {@link #mountCount} is 0 and
   * then calls {@link #remove(LayerId)}; another thread mounting in between makes that call fail
   * with {@code FailedPreconditionException}, as an unforced remove would.
   *
   * @throws dev.strata.driver.error.NotFoundException if {@code id} does not exist
   * @throws dev.strata.driver.error.FailedPreconditionException if it has children, or is mounted
   *     and not {@code force}
   */
  default void remove(LayerId id, boolean force) throws IOException {
    if (force && mountCount(id) > 0) {
      // Refuse before unmounting, so that a refused removal leaves the layer as it was.
      for (LayerId other : layers()) {
        if (exists(other) && info(other).parent().equals(Optional.of(id))) {
          throw new FailedPreconditionException(id.value(), "layer " + id + " has child layer "
              + other + "; remove " + other + " first");
        }
      }
      while (mountCount(id) > 0) {
        unmount(id);
      }
    }
    remove(id);
  }

  boolean exists(LayerId id);

  /** @throws dev.strata.driver.error.NotFoundException if {@code id} does not exist */
  LayerInfo info(LayerId id) throws IOException;

  /** Every layer the driver holds. */
  Set<LayerId> layers() throws IOException;

  /**
   * The mounts that would present {@code id}'s view at {@code target}, as data; performing them in
   * order (with any {@link Mounter}) yields the view. Empty when the view is a plain directory that
   * needs no mount.
   */
  List<Mount> mounts(LayerId id, Path target) throws IOException;

  /**
   * Makes {@code id}'s view available and returns its root. Reference counted: every call must be
   * matched by one {@link #unmount}.
   */
  Path mount(LayerId id) throws IOException;

  /**
   * Drops one mount reference; the last one tears the view down.
   *
   * @throws dev.strata.driver.error.FailedPreconditionException if {@code id} is not mounted
   */
  void unmount(LayerId id) throws IOException;

  /**
   * Current mount references of {@code id} (0 when not mounted), counted across every process
   * that has the home open.
   */
  int mountCount(LayerId id) throws IOException;

  /** Space taken by {@code id}'s own content. */
  Usage usage(LayerId id) throws IOException;

  /**
   * Writes {@code id}'s changes against its parent as an uncompressed layer tar and returns the
   * bytes of file content it holds (equal to what applying it reports as {@link
   * ApplyResult#size()}).
   *
   * <p>This, {@link #changes} and {@link #diffSize} read the layer, never what is mounted inside
   * its view: a container's volumes, binds and tmpfs mounted into its root filesystem are left out,
   * as Docker leaves them out, and a mount point is compared as what the layer holds beneath it.
   */
  long diff(LayerId id, OutputStream out) throws IOException;

  /** {@code id}'s changes against its parent, sorted by path, as {@code docker diff} lists them. */
  List<Change> changes(LayerId id) throws IOException;

  /** The content bytes {@link #diff} would write, without writing the tar. */
  long diffSize(LayerId id) throws IOException;

  /**
   * Reads the driver's layers from disk again: another process sharing the home may have created
   * or removed some since this driver opened. A driver that keeps no table of its own does
   * nothing.
   */
  default void refresh() throws IOException {}

  /** Releases the driver. Idempotent. Mounted views stay mounted; the next open sweeps them. */
  @Override
  void close() throws IOException;
}
