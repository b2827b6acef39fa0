package dev.strata.image;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.ImageLookup.Resolved;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.WriteLayer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Images and tags over a {@link LayerStore}, laid out as Docker does.
 *
 * <h2>Model</h2>
 * An image is its config JSON, kept byte for byte under {@code
 * <metadataRoot>/imagedb/content/sha256/<hex>}, where {@code hex} is the config's sha256 (the image
 * id). The config's {@code rootfs.diff_ids} name its layers. Tags ({@code name:tag}, see {@link
 * Reference}) live in {@code <metadataRoot>/repositories.json}. Both are written to a temporary
 * sibling, fsynced and renamed, so a crash leaves the old or the new state.
 *
 * <h2>Layer references</h2>
 * Every image holds exactly one reference on its top layer (the layers beneath are kept by their
 * child). Two images over the same layers hold one reference each. {@link #add} takes that
 * reference; deleting the image drops it, and the layer store then removes whatever no longer has a
 * reference, a child or a container on it. The reference is taken before the config is written
 * and dropped after it is deleted, so a crash can leak a reference but never leave an image
 * without its layers.
 *
 * <h2>Removing</h2>
 * {@link #remove} follows {@code docker rmi}: by tag it untags, and deletes the image when that
 * was its last tag; by id it deletes the image. It refuses, unless forced, to delete an image a
 * container sits on (a write layer whose parent is the image's top layer) or to delete by id an
 * image with several tags.
 *
 * <p>{@code <root>/tmp/image-*} is staging for {@link ImageArchives}; {@link #open} sweeps it.
 * The store does not own the layer store: close that yourself. Thread-safe.
 */
public final class ImageStore implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ImageStore.class.getName());

  private final LayerStore layers;
  private final ImageDb db;
  private final Path tmpRoot;
  private final Map<ImageId, ImageConfig> images = new HashMap<>();
  private Map<Reference, ImageId> tags = new TreeMap<>();
  /** Another process changed the records since the images and tags above were read. */
  private volatile boolean stale;
  private boolean closed;

  private ImageStore(LayerStore layers) {
    this.layers = layers;
    Path metadata = layers.metadataRoot();
    this.db = new ImageDb(metadata);
    // metadataRoot is <root>/image/<driver>; staging lives in <root>/tmp like the layer store's.
    this.tmpRoot = metadata.getParent().getParent().resolve("tmp");
  }

  /**
   * Opens the images of {@code layers}' root, sweeping what a crash left behind.
   *
   * @throws CorruptException if {@code repositories.json} cannot be read
   */
  public static ImageStore open(LayerStore layers) throws IOException {
    ImageStore store = new ImageStore(layers);
    // What looks left over may be another process's work in flight unless this one is alone.
    boolean recovered = layers.whenAlone(() -> {
      ImageDb.sweepStaging(store.tmpRoot);
      store.db.sweep();
      List<ImageId> settled = store.db.settleInterruptedChanges();
      if (!settled.isEmpty()) {
        LOG.log(Level.INFO, "removed image(s) an interrupted load, commit or rmi left untagged: {0}", settled);
      }
      store.reload();
      store.dropStaleReferences();
    });
    // What recovery read, alone, is current up to the generation the lock has seen: a change another
    // process makes from now on moves it, and the next current() reads again. Reading every config
    // a second time here was a fifth of a cold `strata images`.
    layers.onRecordsChanged(() -> store.stale = true);
    if (!recovered) {
      store.reload();
    }
    return store;
  }

  // Images hold the only durable references: one on their top layer each.
  private void dropStaleReferences() throws IOException {
    Map<ChainId, Integer> held = new HashMap<>();
    for (ImageConfig image : images.values()) {
      image.top().ifPresent(top -> held.merge(top, 1, Integer::sum));
    }
    List<ChainId> removed = layers.dropStaleReferences(held);
    if (!removed.isEmpty()) {
      LOG.log(Level.INFO, "removed {0} layer(s) an interrupted load, commit or rmi left unreferenced: {1}",
          removed.size(), removed);
    }
  }

  /** Reads the images and tags from disk again. */
  private synchronized void reload() throws IOException {
    Map<ImageId, ImageConfig> configs = db.loadConfigs();
    images.clear();
    images.putAll(configs);
    tags = new TreeMap<>(db.loadTags(images));
    stale = false;
  }

  /** Reads again what another process changed; callers hold this object's monitor. */
  private void current() throws IOException {
    layers.refreshRecords();
    if (stale) {
      reload();
    }
  }

  /** Runs {@code change} holding the record lock every process takes, with images and tags current. */
  private <T> T changing(LayerStore.Locked<T> change) throws IOException {
    return layers.withRecordsLocked(() -> {
      current();
      return change.run();
    });
  }

  /** The layer store underneath. */
  public LayerStore layerStore() {
    return layers;
  }

  /** Every image, newest first. */
  public synchronized List<Image> images() throws IOException {
    ensureOpen();
    current();
    List<Image> all = new ArrayList<>();
    for (ImageId id : images.keySet()) {
      all.add(describe(id));
    }
    all.sort(Comparator.comparing(Image::created).reversed().thenComparing(i -> i.id().toString()));
    return all;
  }

  /**
   * Looks an image up by tag ({@code busybox}, {@code busybox:1.36}), by id ({@code sha256:<hex>})
   * or by a unique prefix of the id's hex, in that order, as Docker does.
   *
   * @throws InvalidArgumentException if a prefix matches several images
   */
  public synchronized Optional<Image> find(String ref) throws IOException {
    ensureOpen();
    current();
    Optional<Resolved> resolved = resolve(ref);
    return resolved.isPresent() ? Optional.of(describe(resolved.get().id())) : Optional.empty();
  }

  /** Like {@link #find}, but a missing image is a {@link NotFoundException}. */
  public synchronized Image get(String ref) throws IOException {
    return find(ref).orElseThrow(() -> noSuchImage(ref));
  }

  /** The image's config JSON, exactly the bytes its id is the hash of. */
  public synchronized byte[] config(ImageId id) throws IOException {
    ensureOpen();
    current();
    if (!images.containsKey(id)) {
      throw noSuchImage(id.toString());
    }
    return db.readConfig(id);
  }

  /**
   * Adds an image whose layers are registered already, and tags it. Adding an image that exists
   * only adds the tags. A tag that named another image moves here; that image stays, untagged.
   *
   * @throws CorruptException if {@code configJson} is not an image config
   * @throws InvalidArgumentException if a tag is not a valid reference
   * @throws NotFoundException if its top layer is not registered
   */
  public Image add(byte[] configJson, List<String> tags) throws IOException {
    List<Reference> refs = new ArrayList<>();
    for (String tag : tags) {
      refs.add(Reference.parse(tag));
    }
    ImageConfig parsed = ImageConfig.parse(configJson, "image config");
    return addAll(List.of(new PendingImage(configJson.clone(), parsed, refs))).get(0);
  }

  /** Adds several images all or nothing: on failure no config, tag or reference stays. */
  synchronized List<Image> addAll(List<PendingImage> pending) throws IOException {
    ensureOpen();
    List<ChainId> retained = new ArrayList<>();
    try {
      return changing(() -> addAllChanging(pending, retained));
    } catch (IOException | RuntimeException e) {
      // After the record lock: a release may remove layers, and removals take the layers lock first.
      for (ChainId chain : retained) {
        undo(e, () -> layers.release(chain));
      }
      throw e;
    }
  }

  private List<Image> addAllChanging(List<PendingImage> pending, List<ChainId> retained) throws IOException {
    List<ImageId> written = new ArrayList<>();
    Map<ImageId, ImageConfig> added = new HashMap<>();
    Map<Reference, ImageId> newTags = new TreeMap<>(tags);
    List<ImageId> fresh = pending.stream().map(PendingImage::id).filter(id -> !images.containsKey(id)).distinct()
        .toList();
    Path journal = db.beginAdd(fresh);
    try {
      for (PendingImage image : pending) {
        if (images.containsKey(image.id()) || added.containsKey(image.id())) {
          continue;
        }
        Optional<ChainId> top = image.parsed().top();
        if (top.isPresent()) {
          if (layers.get(top.get()).isEmpty()) {
            throw new NotFoundException(top.get().toString(), "top layer " + top.get() + " of image "
                + image.id() + " is not registered; register its layers first");
          }
          layers.retain(top.get());
          retained.add(top.get());
        }
        db.writeConfig(image.id(), image.config());
        written.add(image.id());
        added.put(image.id(), image.parsed());
      }
      for (PendingImage image : pending) {
        for (Reference tag : image.tags()) {
          ImageId previous = newTags.put(tag, image.id());
          if (previous != null && !previous.equals(image.id())) {
            LOG.log(Level.INFO, "tag {0} moves from image {1} to {2}; {1} stays, untagged unless it has other tags",
                tag, previous.shortId(), image.id().shortId());
          }
        }
      }
      if (!newTags.equals(tags)) {
        db.writeTags(newTags);
      }
      db.endChange(journal);
    } catch (IOException | RuntimeException e) {
      for (ImageId id : written) {
        undo(e, () -> db.deleteConfig(id));
      }
      undo(e, () -> db.endChange(journal));
      throw e;
    }
    images.putAll(added);
    tags = newTags;
    List<Image> result = new ArrayList<>();
    for (PendingImage image : pending) {
      result.add(describe(image.id()));
    }
    return result;
  }

  /**
   * Tags the image {@code source} names as {@code target} (moving {@code target} if it named
   * another image).
   */
  public synchronized Image tag(String source, String target) throws IOException {
    ensureOpen();
    Reference ref = Reference.parse(target);
    return changing(() -> {
      ImageId id = resolve(source).orElseThrow(() -> noSuchImage(source)).id();
      Map<Reference, ImageId> newTags = new TreeMap<>(tags);
      newTags.put(ref, id);
      db.writeTags(newTags);
      tags = newTags;
      return describe(id);
    });
  }

  /**
   * {@code docker rmi}: untags, and deletes the image when no tag remains, dropping its top-layer
   * reference.
   *
   * @param force delete even when a container uses the image or, by id, when it has several tags
   * @throws NotFoundException if nothing is called {@code ref}
   * @throws FailedPreconditionException if a container uses it, or (by id) it has several tags, and not forced
   */
  public synchronized ImageRemoval remove(String ref, boolean force) throws IOException {
    ensureOpen();
    Removal removal = changing(() -> removeChanging(ref, force));
    // After the record lock (removals take the layers lock before it); a crash in between leaves a
    // reference count above the images', which the next recovery lowers.
    List<ChainId> removed = removal.top().isPresent() ? layers.release(removal.top().get()) : List.of();
    return new ImageRemoval(removal.done().untagged(), removal.done().deleted(), removed);
  }

  /** What a removal did to the records, and the top layer whose reference it still has to release. */
  private record Removal(ImageRemoval done, Optional<ChainId> top) {}

  private Removal removeChanging(String ref, boolean force) throws IOException {
    Resolved resolved = resolve(ref).orElseThrow(() -> noSuchImage(ref));
    ImageId id = resolved.id();
    List<Reference> imageTags = tagsOf(id);
    if (resolved.viaTag().isPresent()) {
      Reference tag = resolved.viaTag().get();
      if (imageTags.size() > 1) {
        Map<Reference, ImageId> newTags = new TreeMap<>(tags);
        newTags.remove(tag);
        db.writeTags(newTags);
        tags = newTags;
        return new Removal(new ImageRemoval(List.of(tag), List.of(), List.of()), Optional.empty());
      }
      refuseIfUsed(id, force, "cannot remove tag " + tag + ", the last one of image " + id.shortId());
    } else {
      if (imageTags.size() > 1 && !force) {
        throw new FailedPreconditionException(id.toString(), "cannot delete image " + id.shortId()
            + ": it is tagged " + imageTags + "; remove the tags one by one, or force");
      }
      refuseIfUsed(id, force, "cannot delete image " + id.shortId());
    }
    return delete(id, imageTags);
  }

  /**
   * Tags {@code repositories.json} still holds for images that are not in the store, by tag. The
   * store ignores them when it opens; they stay in the file until {@link #dropDanglingTags}.
   */
  public synchronized Map<String, ImageId> danglingTags() throws IOException {
    ensureOpen();
    current();
    Map<String, ImageId> dangling = new TreeMap<>();
    for (Map.Entry<Reference, ImageId> tag : db.rawTags().entrySet()) {
      if (!images.containsKey(tag.getValue())) {
        dangling.put(tag.getKey().toString(), tag.getValue());
      }
    }
    return dangling;
  }

  /** Rewrites {@code repositories.json} with only the tags of images in the store. */
  public synchronized void dropDanglingTags() throws IOException {
    ensureOpen();
    changing(() -> {
      db.writeTags(tags);
      return null;
    });
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  Path tmpRoot() {
    return tmpRoot;
  }

  /** Resolves a reference for saving: the image, and the tag when {@code ref} named one. */
  synchronized Optional<Resolved> lookup(String ref) throws IOException {
    ensureOpen();
    current();
    return resolve(ref);
  }

  /** Untags and deletes the image's record; its top layer's reference is released by the caller. */
  private Removal delete(ImageId id, List<Reference> imageTags) throws IOException {
    ImageConfig image = images.get(id);
    if (imageTags.isEmpty()) {
      db.deleteConfig(id);
    } else {
      // Two writes: the journal lets a crash between them end as a whole removal, not an image
      // left untagged.
      Path journal = db.beginRemove(List.of(id));
      Map<Reference, ImageId> newTags = new TreeMap<>(tags);
      imageTags.forEach(newTags::remove);
      try {
        db.writeTags(newTags);
      } catch (IOException | RuntimeException e) {
        undo(e, () -> db.endChange(journal));
        throw e;
      }
      tags = newTags;
      // A failure from here on leaves the journal: the next recovery finishes the removal.
      db.deleteConfig(id);
      db.endChange(journal);
    }
    images.remove(id);
    return new Removal(new ImageRemoval(imageTags, List.of(id), List.of()), image.top());
  }

  private void refuseIfUsed(ImageId id, boolean force, String what) throws IOException {
    if (force) {
      return;
    }
    Optional<ChainId> top = images.get(id).top();
    for (WriteLayer container : layers.writeLayers().list()) {
      if (container.parent().equals(top)) {
        throw new FailedPreconditionException(id.toString(), what + ": container '" + container.container()
            + "' is using it; remove the container first, or force");
      }
    }
  }

  private Optional<Resolved> resolve(String ref) throws IOException {
    return ImageLookup.resolve(ref, images.keySet(), tags);
  }

  private Image describe(ImageId id) throws IOException {
    ImageConfig config = images.get(id);
    long size = 0;
    for (ChainId chain : ImageConfig.chainIds(config.diffIds())) {
      Optional<Layer> layer;
      try {
        layer = layers.get(chain);
      } catch (CorruptException e) {
        // Listing must survive one damaged layer record, or `strata check` could not report it.
        LOG.log(Level.WARNING, "image {0}: layer {1} counts 0 bytes, its record is damaged ({2});"
            + " `strata check` reports it", id.shortId(), chain, e.getMessage());
        layer = Optional.empty();
      }
      if (layer.isPresent()) {
        size += layer.get().size();
      }
    }
    return new Image(id, config.diffIds(), config.top(), tagsOf(id), config.created(), size);
  }

  private List<Reference> tagsOf(ImageId id) {
    return tags.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey).toList();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("image store is closed");
    }
  }

  private static NotFoundException noSuchImage(String ref) {
    return new NotFoundException(ref, "no such image: " + ref + " (see `strata images`)");
  }

  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  private static void undo(Exception primary, Step step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      primary.addSuppressed(e);
    }
  }
}
