package dev.strata.driver;

import dev.strata.driver.error.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The skeleton of a {@link GraphDriver}: everything drivers share, so that a driver holds only what
 * is its own.
 *
 * <p>The skeleton owns the table of layers (and of those being created), one lock, the closed
 * state and the mount reference counts. It answers {@code exists}, {@code info}, {@code layers},
 * {@code mountCount} and {@code capabilities}, refuses every call once closed, and runs the
 * templates below.
 *
 * <p>Several processes may open one home at once (each {@code strata} command is one). The mount
 * counts are kept in the home ({@code .mounts/}), so they are the same in every process: a view is
 * mounted by the first reference taken anywhere and unmounted by the last one dropped. The table
 * is this process's reading of the layers on disk; {@link #refresh} reads it again after another
 * process created or removed layers (the layer store does so whenever its records changed).
 *
 * <ul>
 *   <li><b>create</b>: the id is reserved under the lock (duplicate, missing parent and depth are
 *       refused there), then {@link #buildReadOnly} or {@link #buildWritable} runs <em>outside</em>
 *       it, so other layers' operations go on during a long apply; the layer is published when the
 *       build returns and forgotten when it throws. A parent counts as having a child while its
 *       child is being built, so it cannot be removed meanwhile. A driver with {@link
 *       Capability#INDEPENDENT_LAYERS} may be given a read-only layer whose parent is itself still
 *       being built; its build calls {@link #awaitParent} before it reads the parent or moves the
 *       layer into place, so layers are always published parent first.
 *   <li><b>remove</b>: under the lock a mounted layer or one with children is refused, then {@link
 *       #detach} takes the layer out of place at once (a rename); {@link #discard} deletes it
 *       outside the lock, and a failure there is only logged: the driver's next open sweeps it.
 *   <li><b>mount</b>: the first reference runs {@link #mountView}, the last {@link #unmountView};
 *       a failure leaves the count as it was.
 *   <li><b>diff</b>: the layer's and its parent's views are mounted through the driver (so counts
 *       stay exact) and compared by the {@link TreeDiffer} the driver was given, unless {@link
 *       #ownChanges} names a tree holding the layer's changes alone.
 * </ul>
 *
 * A driver supplies how a layer is built, detached, discarded, mounted ({@link #view}, {@link
 * #mountsFor}), described ({@link #facts}) and measured ({@link #measure}).
 */
public abstract class AbstractGraphDriver implements GraphDriver {

  private static final System.Logger LOG = System.getLogger(AbstractGraphDriver.class.getName());

  /**
   * What a driver is, fixed when it opens.
   *
   * @param name the driver's name, as its provider's
   * @param home the directory it owns
   * @param maxDepth the deepest stack it accepts, the new layer included
   * @param capabilities what it declares
   * @param differ compares a layer's mounted view with its parent's
   */
  public record Traits(String name, Path home, int maxDepth, Set<Capability> capabilities, TreeDiffer differ) {

    public Traits {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(home, "home");
      Objects.requireNonNull(differ, "differ");
      // In declaration order, so that listings are the same from run to run.
      EnumSet<Capability> ordered = EnumSet.noneOf(Capability.class);
      ordered.addAll(capabilities);
      capabilities = Collections.unmodifiableSet(ordered);
      if (maxDepth < 1) {
        throw new IllegalArgumentException("max depth of " + name + " must be at least 1: " + maxDepth);
      }
    }
  }

  /** Reads the layers on disk, by id: at open, and again at each {@link #refresh}. */
  @FunctionalInterface
  public interface LayerSource {
    Map<LayerId, LayerInfo> read() throws IOException;
  }

  /** A tree holding one layer's changes alone, and the differ that reads it against the parent's view. */
  protected record OwnChanges(TreeDiffer differ, Path tree) {

    public OwnChanges {
      Objects.requireNonNull(differ, "differ");
      Objects.requireNonNull(tree, "tree");
    }
  }

  private final Traits traits;
  private final LayerSource source;
  private final Object lock = new Object();
  private final LayerTable table;
  private final MountCounts counts;
  private volatile boolean closed;

  /**
   * @param layers reads the layers on disk
   * @param swept true when the provider has just swept the home, no other process having it open:
   *     the counts of layers that are gone are forgotten (a driver whose views are real mounts
   *     also calls {@link #settleViews})
   */
  protected AbstractGraphDriver(Traits traits, LayerSource layers, boolean swept) throws IOException {
    this.traits = Objects.requireNonNull(traits, "traits");
    this.source = Objects.requireNonNull(layers, "layers");
    this.table = new LayerTable(traits.name(), traits.home(), traits.maxDepth(), layers.read());
    this.counts = new MountCounts(traits.home());
    if (swept) {
      counts.forgetUnless(table::contains);
    }
  }

  /** Unmounts a mount point a sweep found no count for. */
  @FunctionalInterface
  protected interface Unmounter {
    void unmount(Path point) throws IOException;
  }

  /**
   * Settles the views a sweeping open found mounted under the home ({@code mounted}), for a driver
   * whose views are real mounts; it calls this from its constructor, once {@link #view} works. A
   * counted layer's view stays mounted: whoever counted it (a container's {@code strata mount}) may
   * be using it, a running container say, and unmounting it under them would be wrong. Any other
   * mount point is unmounted through {@code unmounter}, and a count whose view is no longer
   * mounted (a reboot or a power cut took it) is forgotten, so counts and mounts agree again.
   */
  protected final void settleViews(List<Path> mounted, Unmounter unmounter) throws IOException {
    synchronized (lock) {
      Map<Path, LayerId> byView = new HashMap<>();
      for (LayerId id : table.ids()) {
        byView.put(view(table.require(id)), id);
      }
      Set<LayerId> kept = new HashSet<>();
      // A view mounted twice keeps one mount: unmounting a path takes the mount on top.
      for (Path point : mounted) {
        LayerId id = byView.get(point);
        if (id != null && counts.count(id) > 0 && kept.add(id)) {
          continue;
        }
        LOG.log(System.Logger.Level.INFO, "unmounting {0}: no live mount reference holds it", point);
        unmounter.unmount(point);
      }
      counts.forgetUnless(kept::contains);
    }
  }

  /**
   * Builds a read-only layer from a tar, its id reserved; runs without the lock. Whatever it
   * leaves on failure must not be visible as a layer.
   */
  protected abstract ApplyResult buildReadOnly(LayerInfo layer, InputStream layerTar) throws IOException;

  /**
   * Refuses storage options the driver cannot honour here, before the id is reserved.
   *
   * @throws dev.strata.driver.error.UnsupportedException for an option not supported
   * @throws dev.strata.driver.error.InvalidArgumentException for a malformed value
   */
  protected abstract void checkWritableOptions(LayerId id, Map<String, String> storageOptions) throws IOException;

  /** Builds an empty writable layer, its id reserved and its options checked; runs without the lock. */
  protected abstract void buildWritable(LayerInfo layer, Map<String, String> storageOptions) throws IOException;

  /**
   * Takes an unmounted, childless layer out of place at once, typically by renaming it away, and
   * returns where it went. Runs under the lock, so keep it short.
   */
  protected abstract Path detach(LayerInfo layer) throws IOException;

  /** Deletes what {@link #detach} moved away; runs without the lock. */
  protected abstract void discard(LayerInfo layer, Path detached) throws IOException;

  /** Where {@code layer}'s view is while it is mounted. */
  protected abstract Path view(LayerInfo layer);

  /** Presents {@code layer}'s view at {@link #view} on its first mount reference; nothing by default. */
  protected void mountView(LayerInfo layer, Path view) throws IOException {}

  /** Tears the view down when its last mount reference goes; nothing by default. */
  protected void unmountView(LayerInfo layer, Path view) throws IOException {}

  /** The mounts that present {@code layer}'s view at {@code target}; see {@link GraphDriver#mounts}. */
  protected abstract List<Mount> mountsFor(LayerInfo layer, Path target) throws IOException;

  /** Space taken by {@code layer}'s own content; runs without the lock. */
  protected abstract Usage measure(LayerInfo layer) throws IOException;

  /** The driver's facts for {@link #status()}, in display order, given the number of layers. */
  protected abstract Map<String, String> facts(int layers);

  /**
   * A tree holding {@code layer}'s changes alone, which its differ reads against the parent's view
   * without mounting the layer (overlay's upper directory); empty, the default, to compare the
   * layer's mounted view.
   */
  protected Optional<OwnChanges> ownChanges(LayerInfo layer) throws IOException {
    return Optional.empty();
  }

  @Override
  public final String name() {
    return traits.name();
  }

  @Override
  public final Path home() {
    return traits.home();
  }

  @Override
  public final int maxDepth() {
    return traits.maxDepth();
  }

  @Override
  public final Set<Capability> capabilities() {
    checkOpen();
    return traits.capabilities();
  }

  @Override
  public final Map<String, String> status() {
    int layers;
    synchronized (lock) {
      checkOpen();
      layers = table.size();
    }
    return facts(layers);
  }

  @Override
  public final ApplyResult createReadOnly(LayerId id, Optional<LayerId> parent, InputStream layerTar)
      throws IOException {
    LayerInfo info = reserve(id, parent, false);
    return table.build(info, lock, layer -> buildReadOnly(layer, layerTar));
  }

  @Override
  public final void createWritable(LayerId id, Optional<LayerId> parent, Map<String, String> storageOptions)
      throws IOException {
    checkOpen();
    checkWritableOptions(id, storageOptions);
    LayerInfo info = reserve(id, parent, true);
    table.build(info, lock, layer -> {
      buildWritable(layer, storageOptions);
      return null;
    });
  }

  private LayerInfo reserve(LayerId id, Optional<LayerId> parent, boolean writable) throws IOException {
    synchronized (lock) {
      checkOpen();
      boolean pendingParent = !writable && traits.capabilities().contains(Capability.INDEPENDENT_LAYERS);
      return table.reserve(id, parent, writable, pendingParent);
    }
  }

  /**
   * Waits until {@code layer}'s parent is in place, for a driver with {@link
   * Capability#INDEPENDENT_LAYERS} whose {@link #buildReadOnly} applied the tar while the parent was
   * still being created; call it before reading anything of the parent and before moving the layer
   * into place. Returns at once for a base layer or a parent already created.
   *
   * @throws NotFoundException when the parent's create failed (or it was never there)
   * @throws java.io.InterruptedIOException when the thread is interrupted while waiting
   */
  protected final void awaitParent(LayerInfo layer) throws IOException {
    if (layer.parent().isEmpty()) {
      return;
    }
    LayerId parent = layer.parent().get();
    synchronized (lock) {
      while (table.isPending(parent)) {
        checkOpen();
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while " + layer.id() + " waited for its parent " + parent);
        }
      }
      checkOpen();
      if (!table.contains(parent)) {
        throw new NotFoundException(parent.value(), "parent layer " + parent + " of " + layer.id()
            + " was not created; " + layer.id() + " is discarded with it");
      }
    }
  }

  @Override
  public final void remove(LayerId id) throws IOException {
    LayerInfo info;
    Path detached;
    synchronized (lock) {
      checkOpen();
      info = table.checkRemovable(id, counts.count(id));
      detached = detach(info);
      table.forget(id);
      counts.forget(id);
    }
    try {
      discard(info, detached);
    } catch (IOException e) {
      // Safe: the layer is gone from the table and from its place; the next open sweeps the rest.
      LOG.log(System.Logger.Level.WARNING, "could not discard removed " + name() + " layer " + id
          + " at " + detached + "; it will be discarded when the driver next opens", e);
    }
  }

  @Override
  public final boolean exists(LayerId id) {
    synchronized (lock) {
      checkOpen();
      return table.contains(id);
    }
  }

  @Override
  public final LayerInfo info(LayerId id) throws IOException {
    synchronized (lock) {
      return require(id);
    }
  }

  @Override
  public final Set<LayerId> layers() {
    synchronized (lock) {
      checkOpen();
      return table.ids();
    }
  }

  @Override
  public final List<Mount> mounts(LayerId id, Path target) throws IOException {
    synchronized (lock) {
      return mountsFor(require(id), target);
    }
  }

  @Override
  public final Path mount(LayerId id) throws IOException {
    synchronized (lock) {
      LayerInfo info = require(id);
      Path view = view(info);
      counts.acquire(id, () -> mountView(info, view));
      return view;
    }
  }

  @Override
  public final void unmount(LayerId id) throws IOException {
    synchronized (lock) {
      LayerInfo info = require(id);
      counts.release(id, () -> unmountView(info, view(info)));
    }
  }

  @Override
  public final int mountCount(LayerId id) throws IOException {
    synchronized (lock) {
      checkOpen();
      return counts.count(id);
    }
  }

  /** Reads the layers on disk again; those being created in this process stay reserved. */
  @Override
  public final void refresh() throws IOException {
    synchronized (lock) {
      checkOpen();
      table.replace(source.read());
    }
  }

  @Override
  public final Usage usage(LayerId id) throws IOException {
    LayerInfo info = info(id);
    try {
      return measure(info);
    } catch (NoSuchFileException e) {
      throw new NotFoundException(id.value(), "layer " + id + " was removed while its usage was measured", e);
    }
  }

  @Override
  public final long diff(LayerId id, OutputStream out) throws IOException {
    return compare(id, (differ, lower, upper) -> differ.writeDiff(lower, upper, out));
  }

  @Override
  public final List<Change> changes(LayerId id) throws IOException {
    return compare(id, TreeDiffer::changes);
  }

  @Override
  public final long diffSize(LayerId id) throws IOException {
    return compare(id, TreeDiffer::diffSize);
  }

  /** Marks the driver closed. Idempotent; mounted views stay mounted and the next open sweeps them. */
  @Override
  public final void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll(); // a child waiting for its parent gives up
    }
  }

  @FunctionalInterface
  private interface Comparison<T> {
    T run(TreeDiffer differ, Optional<Path> lower, Path upper) throws IOException;
  }

  private <T> T compare(LayerId id, Comparison<T> comparison) throws IOException {
    LayerInfo info = info(id);
    Optional<OwnChanges> own = ownChanges(info);
    Optional<LayerId> parent = info.parent();
    Path lower = parent.isPresent() ? mount(parent.get()) : null;
    try {
      if (own.isPresent()) {
        return comparison.run(own.get().differ(), Optional.ofNullable(lower), own.get().tree());
      }
      Path upper = mount(id);
      try {
        return comparison.run(traits.differ(), Optional.ofNullable(lower), upper);
      } finally {
        unmount(id);
      }
    } finally {
      if (parent.isPresent()) {
        unmount(parent.get());
      }
    }
  }

  /** Caller holds {@link #lock}. */
  private LayerInfo require(LayerId id) throws NotFoundException {
    checkOpen();
    return table.require(id);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " driver on " + home() + " is closed");
    }
  }
}
